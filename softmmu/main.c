/*
 * The program: qemu_init() (softmmu/vl.c) builds the VM from the command
 * line, qemu_main_loop() (softmmu/runstate.c) runs until a shutdown
 * request, qemu_cleanup() releases what outlives the process's exit.
 */
#include "qemu/osdep.h"
#include "sysemu/sysemu.h"

int main(int argc, char **argv)
{
    int status;

    qemu_init(argc, argv);
    status = qemu_main_loop();
    qemu_cleanup();
    return status;
}
