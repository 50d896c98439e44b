/*
 * QMP commands about CPUs: query-cpu-definitions, query-cpu-model-expansion,
 * query-cpus-fast and query-hotpluggable-cpus.  hotmem models no CPU
 * features (its vCPUs run on KVM as the host has them, or not at all on
 * qtest), so an expansion has no properties.  The thread ids are those of
 * the vCPU threads (hw/core/cpu-threads.c).
 */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include "monitor/monitor.h"
#include "monitor/qmp-schema.h"

typedef struct CpuQmpModel {
    const char *name;
    bool migration_safe;
} CpuQmpModel;

/* the models -cpu accepts (softmmu/vl.c) */
static const CpuQmpModel cpu_qmp_models[] = {
    { "qemu64", true },
    { "max", false },
    { "host", false },
};

static const CpuQmpModel *cpu_qmp_find_model(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(cpu_qmp_models); i++) {
        if (!strcmp(cpu_qmp_models[i].name, name)) {
            return &cpu_qmp_models[i];
        }
    }
    return NULL;
}

static json_t *cpu_qmp_query_definitions(json_t *args, Error **errp)
{
    json_t *ret = json_array();

    for (size_t i = 0; i < ARRAY_SIZE(cpu_qmp_models); i++) {
        g_autofree char *type = g_strdup_printf("%s-x86_64-cpu",
                                                cpu_qmp_models[i].name);

        json_array_append_new(ret, json_pack(
            "{sssss[]sbsbsb}", "name", cpu_qmp_models[i].name, "typename",
            type, "unavailable-features", "static", false,
            "migration-safe", cpu_qmp_models[i].migration_safe,
            "deprecated", false));
    }
    return ret;
}

/* static: the "base" model plus properties; full: the model itself. */
static json_t *cpu_qmp_model_expansion(json_t *args, Error **errp)
{
    const char *type = json_string_value(json_object_get(args, "type"));
    json_t *model = json_object_get(args, "model");
    const char *name = json_string_value(json_object_get(model, "name"));

    if (!cpu_qmp_find_model(name)) {
        error_setg(errp, "CPU model '%s' not found", name);
        return NULL;
    }
    return json_pack("{s{sss{}}}", "model", "name",
                     !strcmp(type, "static") ? "base" : name, "props");
}

static json_t *cpu_qmp_props(unsigned int index)
{
    return json_pack("{sisisisi}", "core-id", 0, "thread-id", 0, "node-id",
                     0, "socket-id", (int)index);
}

static json_t *cpu_qmp_query_cpus_fast(json_t *args, Error **errp)
{
    MachineState *ms = current_machine;
    json_t *ret = json_array();

    for (unsigned int i = 0; ms && i < ms->smp_cpus; i++) {
        g_autofree char *path = g_strdup_printf("/machine/unattached/device[%u]", i);

        json_array_append_new(ret, json_pack(
            "{sIsosssiss}", "thread-id", (json_int_t)cpu_thread_id(i),
            "props", cpu_qmp_props(i), "qom-path", path, "cpu-index",
            (int)i, "target", "x86_64"));
    }
    return ret;
}

static json_t *cpu_qmp_query_hotpluggable(json_t *args, Error **errp)
{
    MachineState *ms = current_machine;
    json_t *ret = json_array();

    for (unsigned int i = 0; ms && i < ms->smp_cpus; i++) {
        g_autofree char *path = g_strdup_printf("/machine/unattached/device[%u]", i);
        g_autofree char *type = g_strdup_printf("%s-x86_64-cpu",
                                                ms->cpu_type);

        json_array_append_new(ret, json_pack(
            "{sosssiss}", "props", cpu_qmp_props(i), "qom-path", path,
            "vcpus-count", 1, "type", type));
    }
    return ret;
}

static const QmpType cpu_qmp_types[] = {
    { .name = "CpuDefinitionInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "name", "str" }, { "typename", "str" },
          { "unavailable-features", "[str]", true }, { "static", "bool" },
          { "migration-safe", "bool", true }, { "deprecated", "bool" },
          { NULL } } },
    { .name = "CpuModelExpansionType", .kind = QMP_TYPE_ENUM,
      .values = (const char *const[]) { "static", "full", NULL } },
    { .name = "CpuModelInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "name", "str" }, { "props", "any", true }, { NULL } } },
    { .name = "CpuModelExpansionInfo", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "model", "CpuModelInfo" }, { NULL } } },
    { .name = "CpuInstanceProperties", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "node-id", "int", true }, { "socket-id", "int", true },
          { "core-id", "int", true }, { "thread-id", "int", true },
          { NULL } } },
    { .name = "CpuInfoFast", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "cpu-index", "int" }, { "qom-path", "str" },
          { "thread-id", "int" }, { "props", "CpuInstanceProperties" },
          { "target", "str" }, { NULL } } },
    { .name = "HotpluggableCPU", .kind = QMP_TYPE_OBJECT,
      .members = (const QmpMember[]) {
          { "type", "str" }, { "vcpus-count", "int" },
          { "props", "CpuInstanceProperties" }, { "qom-path", "str", true },
          { NULL } } },
};

static const QmpCommandSpec cpu_qmp_commands[] = {
    { .name = "query-cpu-definitions", .fn = cpu_qmp_query_definitions,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[CpuDefinitionInfo]" },
    { .name = "query-cpu-model-expansion", .fn = cpu_qmp_model_expansion,
      .ret = "CpuModelExpansionInfo",
      .args = (const QmpMember[]) {
          { "type", "CpuModelExpansionType" }, { "model", "CpuModelInfo" },
          { NULL } } },
    { .name = "query-cpus-fast", .fn = cpu_qmp_query_cpus_fast,
      .ret = "[CpuInfoFast]" },
    { .name = "query-hotpluggable-cpus", .fn = cpu_qmp_query_hotpluggable,
      .flags = QMP_CMD_ALLOW_PRECONFIG, .ret = "[HotpluggableCPU]" },
};

void cpu_qmp_register(void)
{
    qmp_register_types(cpu_qmp_types, ARRAY_SIZE(cpu_qmp_types));
    qmp_register_commands(cpu_qmp_commands, ARRAY_SIZE(cpu_qmp_commands));
}
