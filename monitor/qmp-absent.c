/*
 * QMP commands about parts hotmem does not have, answered as QEMU 7.2
 * answers for a build or a host without them, so a management tool sees
 * "none" rather than "unknown command": no TPM models or backends, no
 * SEV or SGX (GenericError, as QEMU without KVM support for them), no
 * iothreads and no block devices.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"
#include "monitor/monitor-internal.h"
#include "sysemu/kvm.h"

static json_t *qmp_absent_empty_list(json_t *args, Error **errp)
{
    return json_array();
}

/* QEMU 7.2's two answers: without KVM, and with KVM but no SEV. */
static json_t *qmp_absent_sev(json_t *args, Error **errp)
{
    error_setg(errp, kvm_enabled() ? "SEV is not enabled in KVM"
                                   : "KVM not enabled");
    return NULL;
}

static json_t *qmp_absent_sgx(json_t *args, Error **errp)
{
    error_setg(errp, "SGX is not enabled in KVM");
    return NULL;
}

static const QmpType qmp_absent_types[] = {
    /* the element types of lists that are always empty here */
    { .name = "TpmModel", .kind = QMP_TYPE_ENUM,
      .values = (const char *const[]) { NULL } },
    { .name = "TpmType", .kind = QMP_TYPE_ENUM,
      .values = (const char *const[]) { NULL } },
    { .name = "IOThreadInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "id", "str" }, { "thread-id", "int" }, { NULL } } },
    { .name = "BlockInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "device", "str" }, { "locked", "bool" }, { "removable", "bool" },
          { "type", "str" }, { NULL } } },
    { .name = "BlockDeviceInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "node-name", "str" }, { "file", "str" }, { "drv", "str" },
          { NULL } } },
    { .name = "SevCapability", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "pdh", "str" }, { "cert-chain", "str" }, { "cbitpos", "int" },
          { "reduced-phys-bits", "int" }, { NULL } } },
    { .name = "SGXInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "sgx", "bool" }, { "sgx1", "bool" }, { "sgx2", "bool" },
          { "flc", "bool" }, { NULL } } },
};

static const QmpCommandSpec qmp_absent_commands[] = {
    { .name = "query-tpm-models", .fn = qmp_absent_empty_list,
      .ret = "[TpmModel]" },
    { .name = "query-tpm-types", .fn = qmp_absent_empty_list,
      .ret = "[TpmType]" },
    { .name = "query-sev-capabilities", .fn = qmp_absent_sev,
      .ret = "SevCapability" },
    { .name = "query-sgx-capabilities", .fn = qmp_absent_sgx,
      .ret = "SGXInfo" },
    { .name = "query-iothreads", .fn = qmp_absent_empty_list,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[IOThreadInfo]" },
    { .name = "query-block", .fn = qmp_absent_empty_list,
      .ret = "[BlockInfo]" },
    { .name = "query-named-block-nodes", .fn = qmp_absent_empty_list,
      .ret = "[BlockDeviceInfo]",
      .args = (const QmpMember[]) { { "flat", "bool", true }, { NULL } } },
};

void qmp_absent_register(void)
{
    qmp_register_types(qmp_absent_types, ARRAY_SIZE(qmp_absent_types));
    qmp_register_commands(qmp_absent_commands,
                          ARRAY_SIZE(qmp_absent_commands));
}
