package dev.kss.js;

import dev.kss.machine.mem.KernelStack;
import dev.kss.machine.mem.PageTable;
import dev.kss.machine.stack.Kernel;
import org.graalvm.polyglot.HostAccess.Export;

/**
 * A kernel stack as the host knows it for a JS policy: its number, by which the prelude's stack
 * objects (one per stack, so that {@code ===} works) name it, and what they ask of it through
 * {@link Host}. Pages are numbered from the top: page 0 holds the first 4 KiB the thread uses
 * (KernelStack). {@code id} and {@code pages} are exported for {@code kss.thread()}.
 */
public final class StackView {
  /** The stack's number (StackNumbers): no other stack the module knows has it. */
  @Export public final int id;
  @Export public final int pages;
  final KernelStack stack;
  private final Kernel k;
  /** The CPU that released it, while the module keeps it (a free stack it may hand out); -1 otherwise. */
  int keptOn = -1;

  StackView(int id, KernelStack stack, Kernel k) {
    this.id = id;
    this.pages = stack.pages;
    this.stack = stack;
    this.k = k;
  }

  boolean mapped(int page) { return page >= 0 && page < pages && stack.isMapped(page); }

  int mappedCount() { return stack.mappedCount(); }

  /** Whether the page was accessed since it was mapped (its PTE's accessed bit). */
  boolean accessed(int page) {
    return mapped(page) && !stack.directMapped && PageTable.accessed(k.pageTable.pte(stack.pageVa(page)));
  }

  /** Owned by a live thread (else free: kept by the policy, or on its way to being freed). */
  boolean live() { return stack.live(); }

  @Override public String toString() { return "stack " + id; }
}
