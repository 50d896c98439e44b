/*
 * The command line's help output: -help, -version, and the "help"
 * listings of -object and -device (types and their properties) in QEMU
 * 7.2's formats, so that tools scraping them keep working.  -machine help
 * is hw/core/machine.c's, -accel help the accelerator registry's.
 */
#include "qemu/osdep.h"
#include "qom/object.h"
#include "hw/core/qdev.h"
#include "softmmu/vl-internal.h"
#include "config-host.h"

/* QEMU's category order for -device help. */
static const char *const vl_help_categories[] = {
    "Controller/Bridge/Hub devices", "USB devices", "Storage devices",
    "Network devices", "Input devices", "Display devices", "Sound devices",
    "Misc devices", "CPU devices", "Watchdog devices", NULL,
};

void vl_help_print_version(void)
{
    printf("QEMU emulator version %s (hotmem %s)\n", QEMU_INTERFACE_VERSION,
           HOTMEM_VERSION);
    printf("hotmem: elastic guest memory VMM\n");
}

void vl_help_print_usage(void)
{
    vl_help_print_version();
    printf("usage: qemu-system-x86_64 [options]\n\n"
           "Standard options:\n"
           "-h or -help     display this help and exit\n"
           "-version        display version information and exit\n"
           "-machine [type=]name[,prop=value[,...]]\n"
           "                selects the machine (-machine help for a list)\n"
           "                accel=kvm:qtest tries accelerators in order\n"
           "-M              same as -machine\n"
           "-accel [accel=]name[,prop=value[,...]]\n"
           "                qtest (max-memslots=N) or kvm (-accel help);\n"
           "                tcg is skipped (no TCG), then qtest runs the VM\n"
           "-m [size=]megs[,slots=n,maxmem=size]\n"
           "                initial RAM (default unit MiB), hot-pluggable\n"
           "                slots and maximum memory\n"
           "-smp [cpus=]n[,sockets=,dies=,cores=,threads=,maxcpus=]\n"
           "                number of vCPUs (threads that execute nothing yet)\n"
           "-cpu model[,phys-bits=n][,vendor=s]\n"
           "                qemu64, max or host (host needs KVM)\n"
           "-object TYPE,id=ID[,prop=value,...] or -object '{json}'\n"
           "                create a backend (-object help for a list)\n"
           "-device DRIVER[,prop=value,...] or -device '{json}'\n"
           "                add a device (-device help, -device DRIVER,help)\n"
           "-overcommit mem-lock=on|off\n"
           "                lock all guest and host memory (mlockall)\n"
           "-name [guest=]NAME[,process=P][,debug-threads=on]\n"
           "                name of the guest (and of its vCPU threads)\n"
           "-uuid UUID      the VM's UUID (query-uuid)\n"
           "-numa node,nodeid=N,memdev=ID | dist,src=A,dst=B,val=D\n"
           "                NUMA nodes; their backends are the initial RAM\n"
           "-no-shutdown    stop instead of exiting on a guest shutdown\n"
           "-no-acpi, -rtc ..., -boot ..., -audiodev none,id=ID\n"
           "                checked and accepted (no ACPI, RTC, firmware, audio)\n"
           "-S              do not start the guest; wait for 'cont'\n\n"
           "Monitor and test options:\n"
           "-qmp unix:PATH[,server=on|off][,wait=on|off]\n"
           "                QMP on a unix socket (old forms: server, nowait)\n"
           "-chardev socket,id=ID,path=PATH[,server=on][,wait=off]\n"
           "-chardev socket,id=ID,fd=N,server=on  an inherited listening socket\n"
           "-mon chardev=ID[,mode=control][,id=NAME]\n"
           "-qtest CHARDEV  serve the qtest protocol (unix:PATH)\n"
           "-qtest-log FILE log qtest traffic to FILE\n\n"
           "Display and process options:\n"
           "-display none   no display (the only one)\n"
           "-nographic      accepted; hotmem has no graphics\n"
           "-nodefaults     accepted; hotmem creates no default devices\n"
           "-no-user-config accepted; hotmem reads no config files\n"
           "-pidfile FILE   write the process id to FILE\n"
           "-daemonize      detach once start-up has succeeded\n\n"
           "Debug options:\n"
           "-trace [enable=]PATTERN | events=FILE | file=FILE\n"
           "                enable trace events (-trace help lists them)\n"
           "-D FILE         write trace output to FILE instead of stderr\n"
           "-msg timestamp=on  time-stamp error and warning lines\n"
           "-sandbox on|off[,...]  accepted; seccomp is not applied\n");
}

void vl_help_print_objects(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_USER_CREATABLE, false);
    GSList *el;

    printf("List of user creatable objects:\n");
    for (el = list; el; el = el->next) {
        /* Skip the interface type itself: a cast to "interface" returns
         * the class only for interface types (an implementer gets its
         * InterfaceClass). */
        if (object_class_dynamic_cast(el->data, TYPE_INTERFACE) != el->data) {
            printf("  %s\n", object_class_get_name(el->data));
        }
    }
    g_slist_free(list);
}

static bool vl_help_is_category(const char *category, const char *wanted)
{
    if (wanted) {
        return category && !strcmp(category, wanted);
    }
    /* "Uncategorized": no category, or one QEMU does not know. */
    return !category || !g_strv_contains(vl_help_categories, category);
}

static void vl_help_print_device(DeviceClass *dc)
{
    const char *name = object_class_get_name(OBJECT_CLASS(dc));

    printf("name \"%s\"", name);
    if (dc->bus_type) {
        printf(", bus %s", dc->bus_type);
    }
    if (dc->desc) {
        printf(", desc \"%s\"", dc->desc);
    }
    printf("\n");
}

static void vl_help_print_category(GSList *list, const char *title,
                                   const char *wanted)
{
    bool first = true;
    GSList *el;

    for (el = list; el; el = el->next) {
        DeviceClass *dc = DEVICE_CLASS(el->data);

        if (!dc->user_creatable ||
            !vl_help_is_category(dc->category, wanted)) {
            continue;
        }
        if (first) {
            printf("%s:\n", title);
            first = false;
        }
        vl_help_print_device(dc);
    }
    if (!first) {
        printf("\n");
    }
}

void vl_help_print_devices(void)
{
    GSList *list = object_class_get_list_sorted(TYPE_DEVICE, false);
    int i;

    for (i = 0; vl_help_categories[i]; i++) {
        vl_help_print_category(list, vl_help_categories[i],
                               vl_help_categories[i]);
    }
    vl_help_print_category(list, "Uncategorized devices", NULL);
    g_slist_free(list);
}

static gint vl_help_prop_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "  name=<type>" padded to 24, then " - description" when present. */
static char *vl_help_prop_line(ObjectProperty *prop)
{
    GString *line = g_string_new(NULL);

    g_string_append_printf(line, "  %s=<%s>", prop->name, prop->type);
    if (prop->description) {
        while (line->len < 24) {
            g_string_append_c(line, ' ');
        }
        g_string_append_printf(line, " - %s", prop->description);
    }
    return g_string_free(line, false);
}

bool vl_help_print_type_props(const char *type_name)
{
    ObjectClass *oc = object_class_by_name(type_name);
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    ObjectPropertyIterator iter;
    ObjectProperty *prop;
    Object *obj;
    guint i;

    if (!oc || object_class_is_abstract(oc)) {
        return false;
    }
    obj = object_new(type_name);
    object_property_iter_init(&iter, obj);
    while ((prop = object_property_iter_next(&iter))) {
        if (!prop->set || g_str_has_prefix(prop->type, "child<")) {
            continue;   /* as QEMU: only what the user may set */
        }
        g_ptr_array_add(lines, vl_help_prop_line(prop));
    }
    object_unref(obj);
    if (!lines->len) {
        printf("There are no options for %s.\n", type_name);
        return true;
    }
    g_ptr_array_sort(lines, vl_help_prop_cmp);
    printf("%s options:\n", type_name);
    for (i = 0; i < lines->len; i++) {
        printf("%s\n", (char *)g_ptr_array_index(lines, i));
    }
    return true;
}
