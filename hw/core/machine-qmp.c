/*
 * QMP commands about the machine: query-memory-size-summary,
 * query-machines, query-target, query-kvm, query-name and query-uuid,
 * and HMP info memory_size_summary.  The
 * plugged-memory figure comes from the memory-device core (hw/mem/)
 * through machine_plugged_memory_size.  CPU queries are in cpu-qmp.c.
 * Neighbours: hw/core/machine.c (state), monitor/ (the QMP server).
 */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include "config-host.h"
#include "sysemu/kvm.h"
#include "sysemu/sysemu.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"

/*
 * {"base-memory": N, "plugged-memory": M}.  plugged-memory is present
 * only when the machine has a device-memory area; q35 always has one (of
 * size 0 without maxmem), so QEMU 7.2 q35 always reports it.
 */
static json_t *machine_qmp_query_memory_size_summary(json_t *args,
                                                     Error **errp)
{
    MachineState *ms = current_machine;
    json_t *ret = json_object();
    uint64_t plugged = 0;

    json_object_set_new(ret, "base-memory",
                        json_integer((json_int_t)(ms ? ms->ram_size : 0)));
    if (ms && ms->device_memory) {
        if (machine_plugged_memory_size) {
            plugged = machine_plugged_memory_size();
        }
        json_object_set_new(ret, "plugged-memory",
                            json_integer((json_int_t)plugged));
    }
    return ret;
}

/* HMP "info memory_size_summary": QEMU's two lines, from the QMP answer. */
static bool machine_hmp_info_memory_size_summary(GString *out, int argc,
                                                 char **argv, Error **errp)
{
    json_t *info = machine_qmp_query_memory_size_summary(NULL, errp);
    json_t *plugged = json_object_get(info, "plugged-memory");

    g_string_append_printf(out, "base memory: %" JSON_INTEGER_FORMAT "\n",
                           json_integer_value(json_object_get(info,
                                                              "base-memory")));
    if (plugged) {
        g_string_append_printf(out, "plugged memory: %" JSON_INTEGER_FORMAT
                               "\n", json_integer_value(plugged));
    }
    json_decref(info);
    return true;
}

static json_t *machine_qmp_machine_info(MachineClass *mc)
{
    json_t *info = json_pack("{sbsssbsisbss}", "hotpluggable-cpus", false,
                             "name", mc->name, "numa-mem-supported", false,
                             "cpu-max", (int)mc->max_cpus, "deprecated",
                             false, "default-ram-id", mc->default_ram_id);

    if (mc->is_default) {
        json_object_set_new(info, "is-default", json_true());
    }
    if (mc->alias) {
        json_object_set_new(info, "alias", json_string(mc->alias));
    }
    if (mc->init && strcmp(mc->name, "none")) {
        json_object_set_new(info, "default-cpu-type",
                            json_string("qemu64-x86_64-cpu"));
    }
    return info;
}

static json_t *machine_qmp_query_machines(json_t *args, Error **errp)
{
    GSList *list = object_class_get_list_sorted(TYPE_MACHINE, false);
    json_t *ret = json_array();

    for (GSList *el = list; el; el = el->next) {
        json_array_append_new(ret,
                              machine_qmp_machine_info(MACHINE_CLASS(el->data)));
    }
    g_slist_free(list);
    return ret;
}

static json_t *machine_qmp_query_target(json_t *args, Error **errp)
{
    return json_pack("{ss}", "arch", "x86_64");
}

#ifdef CONFIG_KVM
#define MACHINE_QMP_KVM_PRESENT true
#else
#define MACHINE_QMP_KVM_PRESENT false
#endif

/* present: this build can use KVM; enabled: the VM runs on it. */
static json_t *machine_qmp_query_kvm(json_t *args, Error **errp)
{
    return json_pack("{sbsb}", "enabled", kvm_enabled(), "present",
                     MACHINE_QMP_KVM_PRESENT);
}

/* -name guest=: {"name": NAME}, or {} without a name (as QEMU). */
static json_t *machine_qmp_query_name(json_t *args, Error **errp)
{
    return qemu_name ? json_pack("{ss}", "name", qemu_name) : json_object();
}

static json_t *machine_qmp_query_uuid(json_t *args, Error **errp)
{
    MachineState *ms = current_machine;
    const char *uuid = ms && ms->uuid ? ms->uuid
                       : "00000000-0000-0000-0000-000000000000";

    return json_pack("{ss}", "UUID", uuid);
}

static const QmpType machine_qmp_types[] = {
    { .name = "MachineInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "name", "str" }, { "alias", "str", true },
          { "is-default", "bool", true }, { "cpu-max", "int" },
          { "hotpluggable-cpus", "bool" }, { "numa-mem-supported", "bool" },
          { "deprecated", "bool" }, { "default-cpu-type", "str", true },
          { "default-ram-id", "str", true }, { NULL } } },
    { .name = "TargetInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) { { "arch", "str" }, { NULL } } },
    { .name = "KvmInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "enabled", "bool" }, { "present", "bool" }, { NULL } } },
    { .name = "NameInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) { { "name", "str", true }, { NULL } } },
    { .name = "UuidInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) { { "UUID", "str" }, { NULL } } },
    { .name = "MemoryInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "base-memory", "int" }, { "plugged-memory", "int", true },
          { NULL } } },
};

static const QmpCommandSpec machine_qmp_commands[] = {
    { .name = "query-memory-size-summary",
      .fn = machine_qmp_query_memory_size_summary,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "MemoryInfo" },
    { .name = "query-machines", .fn = machine_qmp_query_machines,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[MachineInfo]" },
    { .name = "query-target", .fn = machine_qmp_query_target,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "TargetInfo" },
    { .name = "query-kvm", .fn = machine_qmp_query_kvm,
      .ret = "KvmInfo" },
    { .name = "query-name", .fn = machine_qmp_query_name,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "NameInfo" },
    { .name = "query-uuid", .fn = machine_qmp_query_uuid,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "UuidInfo" },
};

void machine_qmp_register(void)
{
    qmp_register_types(machine_qmp_types, ARRAY_SIZE(machine_qmp_types));
    qmp_register_commands(machine_qmp_commands,
                          ARRAY_SIZE(machine_qmp_commands));
    hmp_register_info("memory_size_summary", "",
                      "show the amount of initially allocated and present hotpluggable (if enabled) memory in bytes.",
                      machine_hmp_info_memory_size_summary);
    cpu_qmp_register();
}
