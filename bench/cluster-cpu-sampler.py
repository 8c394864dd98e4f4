#!/usr/bin/env python3
# CPU of the cluster bench's deployment by part, for docs/bench/cluster.md's "CPU time per request".
# Run beside bench/cluster-bench.sh:  python3 bench/cluster-cpu-sampler.py <root pids, comma-separated> > cpu.log
# Roots: run.sh (its instances and HAProxy are its children), both postmasters, Redis, the second HAProxy.
# Every 2 s one line: the time, then cumulative CPU ticks (USER_HZ, utime+stime of each process and its reaped
# children) per group: instances (dotnet under a root), postgres, haproxy, redis, other-own; bench (the bench
# process), chromium and others (everything else); _busy and _total for the whole machine. A group's ticks over a
# measurement's window, ×10 ms ÷ its requests, is that group's CPU per request.
# Every 2 s: cumulative CPU ticks (utime+stime+cutime+cstime) per group of the bench deployment, and the machine's.
roots = [int(x) for x in sys.argv[1].split(',')]
def snap():
    procs = {}
    for d in os.listdir('/proc'):
        if not d.isdigit(): continue
        try:
            t = open(f'/proc/{d}/stat').read()
        except OSError: continue
        comm = t[t.index('(')+1:t.rindex(')')]
        f = t[t.rindex(')')+2:].split()
        procs[int(d)] = (int(f[1]), comm, sum(int(f[i]) for i in (11,12,13,14)))
    groups = {}
    for pid,(pp,comm,ticks) in procs.items():
        p = pid; ours = False
        for _ in range(64):
            if p in roots: ours = True; break
            if p not in procs or p <= 1: break
            p = procs[p][0]
        if not ours:
            # the bench process (dotnet CourseMatch.Bench) and chromium count apart
            try: cmd = open(f'/proc/{pid}/cmdline').read()
            except OSError: cmd = ''
            g = 'bench' if 'CourseMatch.Bench' in cmd else ('chromium' if 'chrom' in comm else 'others')
        else:
            g = {'postgres':'postgres','haproxy':'haproxy','redis-server':'redis','dotnet':'instances'}.get(comm, 'other-own')
        groups[g] = groups.get(g,0) + ticks
    cpu = [int(x) for x in open('/proc/stat').readline().split()[1:9]]
    groups['_total'] = sum(cpu); groups['_busy'] = sum(cpu) - cpu[3] - cpu[4]
    return groups
while True:
    g = snap()
    print(time.strftime('%H:%M:%S'), ' '.join(f'{k}={v}' for k,v in sorted(g.items())), flush=True)
    time.sleep(2)
