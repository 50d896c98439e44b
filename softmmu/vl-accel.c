/*
 * -accel and the accelerator choice: the candidates named on the command
 * line (or by -machine accel=, or the default), tried in order at start-up
 * as QEMU does, with accelerators hotmem lacks by design skipped.  The
 * accelerators themselves (kvm, qtest) are accel/'s; vl.c calls
 * vl_accel_configure() between the chardevs and -object.
 */
#include "qemu/osdep.h"
#include "qemu/keyval.h"
#include "sysemu/accel.h"
#include "hw/boards.h"
#include "softmmu/vl-internal.h"

static GPtrArray *vl_accels;    /* VlDeferred, with "accel" key */

static GPtrArray *vl_accel_list(void)
{
    if (!vl_accels) {
        vl_accels = g_ptr_array_new_with_free_func(vl_deferred_free);
    }
    return vl_accels;
}

/* Accelerators QEMU has and hotmem lacks by design: skipped when named. */
static bool vl_accel_is_absent(const char *name)
{
    static const char *const absent[] = {
        "tcg", "xen", "hvf", "whpx", "nvmm", NULL
    };

    return g_strv_contains(absent, name);
}

bool vl_accel_add(const char *arg, Error **errp)
{
    bool help;
    json_t *opts = keyval_parse(arg, "accel", &help, errp);
    const char *name;

    if (!opts) {
        return false;
    }
    name = keyval_str(opts, "accel");
    if (help && (!name || keyval_is_help(name))) {
        accel_list_print(stdout);
        exit(0);
    }
    if (!name) {
        error_setg(errp, "Parameter 'accel' is missing");
        json_decref(opts);
        return false;
    }
    if (!accel_find(name) && !vl_accel_is_absent(name)) {
        error_setg(errp, "invalid accelerator %s", name);
        json_decref(opts);
        return false;
    }
    vl_defer(vl_accel_list(), "accel", arg, opts, true);
    return true;
}

/*
 * The candidates when no -accel is given: -machine accel=A:B:..., else
 * qtest when -qtest is given, else kvm.  Not given with -accel: QEMU's
 * messages have no location then.
 */
static bool vl_accel_default_candidates(const char *machine_accel,
                                        bool has_qtest, Error **errp)
{
    const char *list = machine_accel ? machine_accel
                       : has_qtest ? "qtest" : "kvm";
    g_auto(GStrv) names = g_strsplit(list, ":", -1);
    GPtrArray *accels = vl_accel_list();

    for (int i = 0; names[i]; i++) {
        VlDeferred *d;

        if (!accel_find(names[i]) && !vl_accel_is_absent(names[i])) {
            error_setg(errp, "invalid accelerator %s", names[i]);
            return false;
        }
        vl_defer(accels, "accel", names[i],
                 json_pack("{s:s}", "accel", names[i]), true);
        d = g_ptr_array_index(accels, accels->len - 1);
        g_clear_pointer(&d->loc, g_free);
    }
    return true;
}

/* Initialize the candidate d; false with errp set when it fails. */
static bool vl_accel_try(VlDeferred *d, Error **errp)
{
    const char *name = keyval_str(d->opts, "accel");
    json_t *props = json_deep_copy(d->opts);
    bool ok;

    json_object_del(props, "accel");
    ok = accel_init(name, props, errp);
    json_decref(props);
    if (!ok && d->loc) {
        error_prepend(errp, "%s: ", d->loc);
    }
    return ok;
}

/*
 * Each candidate in order (later ones are fall-backs, as QEMU).  One
 * hotmem lacks (tcg) is skipped with a message; when one was skipped and
 * none initialized, the VM runs on qtest: libvirt's domain type 'qemu'
 * asks for tcg, and hotmem has no TCG.
 */
bool vl_accel_configure(const char *machine_accel, bool has_qtest,
                        MachineState *ms, Error **errp)
{
    GPtrArray *accels = vl_accel_list();
    bool skipped = false;

    if (!accels->len &&
        !vl_accel_default_candidates(machine_accel, has_qtest, errp)) {
        return false;
    }
    for (guint i = 0; i < accels->len; i++) {
        VlDeferred *d = g_ptr_array_index(accels, i);
        const char *name = keyval_str(d->opts, "accel");
        Error *err = NULL;

        if (!accel_find(name)) {
            info_report("accelerator %s is not available in hotmem: skipped", name);
            skipped = true;
            continue;
        }
        if (vl_accel_try(d, &err)) {
            ms->accel = g_strdup(name);
            return true;
        }
        if (i + 1 == accels->len && !skipped) {
            error_propagate(errp, err);
            return false;
        }
        error_report_err(err);
    }
    warn_report("no accelerator named is usable: running on qtest, vCPUs do not execute");
    if (!accel_init("qtest", NULL, errp)) {
        return false;
    }
    ms->accel = g_strdup("qtest");
    return true;
}
