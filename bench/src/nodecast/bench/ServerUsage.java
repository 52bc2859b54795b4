package nodecast.bench;

import java.util.List;

/**
 * CPU time and memory of a server's processes, summed, at one moment.
 *
 * @param proportionalKib PSS (shared pages divided among the processes that map them); -1 where the kernel does not say
 */
record ServerUsage(long userMillis, long systemMillis, long residentKib, long proportionalKib) {

    static ServerUsage of(List<Long> pids) {
        long user = 0;
        long system = 0;
        long resident = 0;
        long proportional = 0;
        for (long pid : pids) {
            user += Proc.userMillis(pid);
            system += Proc.systemMillis(pid);
            resident += Proc.residentKib(pid);
            long pss = Proc.proportionalKib(pid);
            proportional = pss < 0 || proportional < 0 ? -1 : proportional + pss;
        }
        return new ServerUsage(user, system, resident, proportional);
    }
}
