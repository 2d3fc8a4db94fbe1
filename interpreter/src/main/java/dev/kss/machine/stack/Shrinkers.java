package dev.kss.machine.stack;

import dev.kss.machine.base.State;
import dev.kss.machine.cost.Clock;
import dev.kss.machine.sched.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The policies with a periodic shrinker ({@code shrinker every D}), and when each may run next. */
final class Shrinkers {
  private final Kernel k;
  private final List<Policy> policies = new ArrayList<>();
  private long[] next = new long[0];

  Shrinkers(Kernel k) { this.k = k; }

  Shrinkers copy(Kernel k) {
    Shrinkers s = new Shrinkers(k);
    for (Policy p : policies) s.policies.add(k.policy(p.id));
    s.next = next.clone();
    return s;
  }

  boolean any() { return !policies.isEmpty(); }

  void add(Policy p) {
    policies.add(p);
    next = Arrays.copyOf(next, policies.size());
    next[policies.size() - 1] = k.clock.latest() + p.config.shrinkerEveryNs;
  }

  /**
   * A shrinker runs at most once per its period: at the first event at or after its period's end
   * ({@code now}), on that event's CPU; its work is no operation's and moves no clock.
   */
  void run(long now) {
    for (int i = 0; i < policies.size(); i++) {
      if (now < next[i]) continue;
      Policy p = policies.get(i);
      Clock.Detached saved = k.clock.beginDetached(k.clock.cpu(), now);
      if (!p.reclaim()) {
        List<Task> live = k.scheduler.live();
        for (int j = 0; j < live.size(); j++) {
          Task t = live.get(j);
          if (t.policy == p.id) p.shrinking.shrinkSleeping(t);
        }
      }
      k.clock.endDetached(saved);
      next[i] = now + p.config.shrinkerEveryNs;
    }
  }

  void state(State s) { s.put(next, 0, next.length); }
}
