package dev.kss.machine.sched;

/** A user thread enters and leaves the kernel; a kernel thread always runs in kernel mode. */
public enum ThreadKind { USER, KERNEL }
