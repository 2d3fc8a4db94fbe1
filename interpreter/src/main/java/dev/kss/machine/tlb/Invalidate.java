package dev.kss.machine.tlb;

/**
 * How the TLBs are told that stack pages were unmapped: not at all, INVLPG on the local CPU only,
 * INVLPG everywhere with an IPI shootdown to the other CPUs (flush_tlb_kernel_range uses
 * on_each_cpu, arch/x86/mm/tlb.c), or AMD's INVLPGB broadcast, which reaches every CPU without IPIs.
 */
public enum Invalidate { NONE, LOCAL, BROADCAST, INVLPGB }
