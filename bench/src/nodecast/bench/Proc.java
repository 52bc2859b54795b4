package nodecast.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What Linux's /proc says about a process (its CPU time, resident memory and children) and about TCP sockets. */
final class Proc {
    /** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every common architecture. */
    private static final long TICKS_PER_SECOND = 100;

    private Proc() {
    }

    /** User plus system CPU time of {@code pid} so far, in milliseconds; all its threads included. */
    static long cpuMillis(long pid) {
        String[] fields = statFields(pid);
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / TICKS_PER_SECOND; // utime + stime
    }

    /** User CPU time of {@code pid} so far, in milliseconds. */
    static long userMillis(long pid) {
        return Long.parseLong(statFields(pid)[11]) * 1000 / TICKS_PER_SECOND; // utime
    }

    /** System (kernel) CPU time of {@code pid} so far, in milliseconds: for a server on loopback, mostly TCP and epoll. */
    static long systemMillis(long pid) {
        return Long.parseLong(statFields(pid)[12]) * 1000 / TICKS_PER_SECOND; // stime
    }

    /** The fields of /proc/PID/stat from the third (state) on, so utime is [11] and stime [12]. */
    private static String[] statFields(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name may hold spaces; the fields after its closing parenthesis do not.
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** Resident memory of {@code pid}, in KiB (VmRSS). */
    static long residentKib(long pid) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    /**
     * Proportional set size of {@code pid}, in KiB: its resident memory with each shared page divided
     * among the processes that map it, so a server of several processes (nginx's master and workers,
     * which share Nchan's memory zone) is not counted twice; -1 without /proc/PID/smaps_rollup (Linux before 4.14).
     */
    static long proportionalKib(long pid) {
        Path rollup = Path.of("/proc", Long.toString(pid), "smaps_rollup");
        if (!Files.isReadable(rollup)) {
            return -1;
        }
        for (String line : read(rollup).split("\n")) {
            if (line.startsWith("Pss:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** The processes whose parent is {@code pid} right now. */
    static List<Long> childrenOf(long pid) {
        List<Long> children = new ArrayList<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                String stat;
                try {
                    stat = Files.readString(process.resolve("stat"));
                } catch (IOException e) {
                    continue; // it exited while we looked
                }
                if (Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]) == pid) {
                    children.add(Long.parseLong(process.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return children;
    }

    /**
     * Bytes the kernel holds for the TCP connections to local port {@code port}, both ends on this
     * machine: each server end's send queue (written by the server, not yet taken by the client:
     * {@code tx_queue}) and each client end's receive queue (arrived, not yet read: {@code rx_queue}),
     * from /proc/net/tcp and /proc/net/tcp6.
     */
    static long socketQueuedBytes(int port) {
        long queued = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            String[] lines = read(Path.of(table)).split("\n");
            for (int i = 1; i < lines.length; i++) {
                // sl local_address:port rem_address:port st tx_queue:rx_queue ..., addresses and numbers in hex
                String[] fields = lines[i].strip().split("\\s+");
                String[] queues = fields[4].split(":");
                if (hexPort(fields[1]) == port) {
                    queued += Long.parseLong(queues[0], 16);
                }
                if (hexPort(fields[2]) == port) {
                    queued += Long.parseLong(queues[1], 16);
                }
            }
        }
        return queued;
    }

    private static int hexPort(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }

    /** The memory every TCP socket of the machine takes now, in KiB ({@code TCP: ... mem PAGES} in /proc/net/sockstat, pages of 4 KiB). */
    static long tcpMemoryKib() {
        for (String line : read(Path.of("/proc/net/sockstat")).split("\n")) {
            if (line.startsWith("TCP:")) {
                String[] fields = line.split("\\s+");
                for (int i = 1; i + 1 < fields.length; i++) {
                    if (fields[i].equals("mem")) {
                        return Long.parseLong(fields[i + 1]) * 4;
                    }
                }
            }
        }
        return -1;
    }

    /** A first line of a /proc or /sys file, or "?" where there is none. */
    static String firstLine(String path) {
        try {
            return Files.readAllLines(Path.of(path)).get(0).trim();
        } catch (IOException | IndexOutOfBoundsException e) {
            return "?";
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
