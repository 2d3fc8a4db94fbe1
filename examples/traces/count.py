#!/usr/bin/env python3
"""Reference counts for `perf script` text traces (independent of kss).

Usage: python3 count.py build.perf.txt.xz jvm.perf.txt.xz   (plain .txt works too)
Prints one markdown table, one column per trace.

How it counts (one pass, line by line, in file order):
  * An EVENT line is any line matching
        ^\\s*COMM\\s+PID\\s+[CPU]\\s+SECONDS.MICROS:\\s+SUBSYS:EVENT:\\s
    where COMM is matched lazily (it may contain spaces, colons, or be ':-1')
    and PID may be -1 (perf could not resolve the task). A CALL-CHAIN line
    starts with a tab; a BLANK line is empty. Anything else is UNPARSED.
  * Event type = the part after 'subsys:' (sched_switch, alloc_vmap_area, ...).
  * CPUs = distinct [CPU] values; duration = last event time - first event time.
  * Pids = distinct numbers, excluding 0 and negatives, taken from the header PID
    column (perf prints the tid there) and from the payload fields pid=, prev_pid=,
    next_pid=, child_pid=. A pid is "alive at start" when it is seen on some line
    before (or without ever) being the child_pid of a sched_process_fork event.
  * Stack vmalloc = alloc_vmap_area with size=20480 and align=16384 (16 KiB
    stack + guard page, THREAD_SIZE alignment) whose call chain (the tab lines
    beneath it) has a frame in copy_process. Its area key is the decimal
    'va_start: N'. A stack free = free_vmap_area_noflush whose hex
    'va_start=0x...' equals the key of a stack area alloc'ed and not yet freed.
  * A fork "used a vmalloc" when its parent tid (header PID of the fork line)
    did a stack vmalloc after its previous fork; the rest hit the stack cache.
  * fork_hit_rate = 1 - stack_vmallocs / forks.
"""
import lzma
import re
import sys

HEADER = re.compile(r'^\s*(?P<comm>.*?)\s+(?P<pid>-?\d+)\s+\[(?P<cpu>\d+)\]\s+'
                    r'(?P<time>\d+\.\d+):\s+(?P<event>[^\s:]+:[^\s:]+):\s(?P<rest>.*)$')
PIDFIELD = re.compile(r'(?:^|\s)(pid|prev_pid|next_pid|child_pid)=(-?\d+)(?=\s|$)')
CHILD = re.compile(r'(?:^|\s)child_pid=(\d+)')
SIZE = re.compile(r'(?:^|\s)size=(\d+)')
ALIGN = re.compile(r'(?:^|\s)align=(\d+)')
FAILED = re.compile(r'(?:^|\s)failed=(\d+)')
VA_DEC = re.compile(r'va_start: (\d+)')
VA_HEX = re.compile(r'va_start=0x([0-9a-fA-F]+)')

EVENTS = ['sched_process_fork', 'sched_process_exit', 'sched_switch',
          'sched_migrate_task', 'sched_wakeup_new', 'alloc_vmap_area',
          'free_vmap_area_noflush', 'purge_vmap_area_lazy']


def open_text(path):
    if path.endswith('.xz'):
        return lzma.open(path, 'rt', encoding='utf-8', errors='replace')
    return open(path, 'rt', encoding='utf-8', errors='replace')


def count(path):
    c = dict(total_lines=0, event_lines=0, callchain_lines=0, blank_lines=0,
             unparsed_lines=0, header_pid_minus1=0, time_went_back=0)
    ev = {e: 0 for e in EVENTS}
    cpus, first_seen_before_fork, forked = set(), set(), set()
    seen = set()
    t_first = t_last = None
    live = {}                 # va_start (int) -> True, live stack areas
    stack_vmallocs = stack_frees = failed_allocs = 0
    other_allocs = unmatched_frees = 0
    pending = {}              # tid -> number of stack vmallocs since its last fork
    forks_with_vmalloc = 0
    unparsed_samples = []
    cur = None                # pending alloc_vmap_area event waiting for its chain

    def close_alloc():
        nonlocal cur, stack_vmallocs, failed_allocs, other_allocs
        if cur is None:
            return
        tid, rest, chain_has_cp = cur
        cur = None
        size = SIZE.search(rest)
        align = ALIGN.search(rest)
        failed = FAILED.search(rest)
        va = VA_DEC.search(rest)
        if failed and failed.group(1) != '0':
            failed_allocs += 1
            return
        if (size and size.group(1) == '20480' and align and align.group(1) == '16384'
                and chain_has_cp and va):
            stack_vmallocs += 1
            live[int(va.group(1))] = True
            pending[tid] = pending.get(tid, 0) + 1
        else:
            other_allocs += 1

    with open_text(path) as f:
        for line in f:
            line = line.rstrip('\n')
            c['total_lines'] += 1
            if line.startswith('\t'):
                c['callchain_lines'] += 1
                if cur is not None and re.search(r'\scopy_process\b', line):
                    cur = (cur[0], cur[1], True)
                continue
            close_alloc()
            if line.strip() == '':
                c['blank_lines'] += 1
                continue
            m = HEADER.match(line)
            if not m:
                c['unparsed_lines'] += 1
                if len(unparsed_samples) < 3:
                    unparsed_samples.append(line)
                continue
            c['event_lines'] += 1
            pid, cpu, t = int(m['pid']), int(m['cpu']), float(m['time'])
            name = m['event'].split(':', 1)[1]
            rest = m['rest']
            if name in ev:
                ev[name] += 1
            cpus.add(cpu)
            if t_first is None:
                t_first = t
            if t_last is not None and t < t_last:
                c['time_went_back'] += 1
            t_last = t if t_last is None else max(t_last, t)
            if pid < 0:
                c['header_pid_minus1'] += 1
            # pids: a fork's child counts as "forked" if not seen before this line
            if name == 'sched_process_fork':
                ch = CHILD.search(rest)
                if ch:
                    child = int(ch.group(1))
                    if child not in seen:
                        forked.add(child)
                    n = pending.pop(pid, 0)
                    if n:
                        forks_with_vmalloc += 1
            ids = [pid] + [int(v) for _, v in PIDFIELD.findall(rest)]
            for p in ids:
                if p > 0 and p not in seen:
                    seen.add(p)
                    if p not in forked:
                        first_seen_before_fork.add(p)
            if name == 'alloc_vmap_area':
                cur = (pid, rest, False)
            elif name == 'free_vmap_area_noflush':
                h = VA_HEX.search(rest)
                if h and live.pop(int(h.group(1), 16), None):
                    stack_frees += 1
                else:
                    unmatched_frees += 1
        close_alloc()

    forks = ev['sched_process_fork']
    out = dict(c)
    out.update(ev)
    out.update(
        cpus=len(cpus),
        duration_s=(t_last - t_first) if t_first is not None else 0.0,
        first_time=t_first, last_time=t_last,
        distinct_pids=len(seen),
        pids_alive_at_start=len(first_seen_before_fork),
        pids_forked_in_trace=len(seen) - len(first_seen_before_fork),
        stack_vmallocs=stack_vmallocs,
        stack_frees=stack_frees,
        stack_areas_live_at_end=len(live),
        frees_not_matching_stack=unmatched_frees,
        other_allocs=other_allocs,
        failed_allocs=failed_allocs,
        purges=ev['purge_vmap_area_lazy'],
        forks_with_vmalloc=forks_with_vmalloc,
        fork_hit_rate=(1 - stack_vmallocs / forks) if forks else float('nan'),
    )
    return out, unparsed_samples


ORDER = ['total_lines', 'event_lines', 'callchain_lines', 'blank_lines', 'unparsed_lines',
         *EVENTS, 'cpus', 'first_time', 'last_time', 'duration_s', 'time_went_back',
         'distinct_pids', 'pids_alive_at_start', 'pids_forked_in_trace', 'header_pid_minus1',
         'stack_vmallocs', 'stack_frees', 'stack_areas_live_at_end', 'frees_not_matching_stack',
         'other_allocs', 'failed_allocs', 'purges', 'forks_with_vmalloc', 'fork_hit_rate']


def fmt(v):
    if isinstance(v, float):
        return f'{v:.6f}'
    return str(v)


def main(paths):
    results = [count(p) for p in paths]
    names = [p.rsplit('/', 1)[-1] for p in paths]
    print('| count | ' + ' | '.join(names) + ' |')
    print('|---|' + '---|' * len(names))
    for k in ORDER:
        print(f'| {k} | ' + ' | '.join(fmt(r[0][k]) for r in results) + ' |')
    for name, (_, samples) in zip(names, results):
        for s in samples:
            print(f'\nunparsed in {name}: {s}', file=sys.stderr)


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
