package nodecast.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the figures were measured on, recorded beside them. */
final class Machine {
    private Machine() {
    }

    /** The machine now; {@code loadAtStart}: /proc/loadavg when the run began (others may share the machine). */
    static Map<String, Object> describe(Settings settings, String serverVmFlags, String loadAtStart) {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("date", Instant.now().toString());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put("memoryMib", memoryMib());
        machine.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("serverJvmOptions", String.join(" ", settings.serverJvmOptions()));
        machine.put("serverJvmFlags", serverVmFlags);
        machine.put("openFilesLimit", openFilesLimit());
        machine.put("somaxconn", Proc.firstLine("/proc/sys/net/core/somaxconn"));
        machine.put("tcpMaxSynBacklog", Proc.firstLine("/proc/sys/net/ipv4/tcp_max_syn_backlog"));
        machine.put("ephemeralPorts", Proc.firstLine("/proc/sys/net/ipv4/ip_local_port_range").replaceAll("\\s+", "-"));
        machine.put("wrk", commandOutput("wrk", "--version"));
        machine.put("redis", commandOutput("redis-server", "--version"));
        machine.put("loadAverageAtStart", loadAtStart);
        machine.put("loadAverageAtEnd", Proc.firstLine("/proc/loadavg"));
        return machine;
    }

    static String summary(Map<String, Object> machine) {
        return "Machine: %s cores (%s), %s MiB, %s; %s; server JVM %s; open files %s, somaxconn %s; %s"
                .formatted(machine.get("cores"), machine.get("cpu"), machine.get("memoryMib"), machine.get("kernel"),
                        machine.get("jvm"), machine.get("serverJvmOptions"), machine.get("openFilesLimit"),
                        machine.get("somaxconn"), machine.get("date"));
    }

    /** One short line, for the chart. */
    static String brief(Map<String, Object> machine) {
        return "%s cores (%s), %s, server JVM %s, %s".formatted(machine.get("cores"), machine.get("cpu"),
                System.getProperty("java.runtime.version"), machine.get("serverJvmOptions"),
                machine.get("date").toString().substring(0, 16).replace('T', ' ') + " UTC");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static long memoryMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            // reported as unknown below
        }
        return -1;
    }

    private static String openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    return line.substring("Max open files".length()).strip().replaceAll("\\s+", " ");
                }
            }
        } catch (IOException e) {
            // reported as unknown below
        }
        return "?";
    }

    private static String commandOutput(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return output.lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            return "not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
