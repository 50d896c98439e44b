/*
 * QMP commands about the machine: query-memory-size-summary.  The
 * plugged-memory figure comes from the memory-device core (hw/mem/)
 * through machine_plugged_memory_size; until that exists it is 0.
 * Neighbours: hw/core/machine.c (state), monitor/ (the QMP server).
 */
#include "qemu/osdep.h"
#include "hw/boards.h"
#include "monitor/monitor.h"

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

void machine_qmp_register(void)
{
    qmp_register_command("query-memory-size-summary",
                         machine_qmp_query_memory_size_summary,
                         QMP_CMD_ALLOW_PRECONFIG);
}
