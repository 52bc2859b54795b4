package nodecast.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measurement 3, the 2009 article's test: C clients long-poll a server with a 2 s wait timeout
 * and no message ever comes, so the best a server can do is C / 2 s answers per second.
 *
 * <p>wrk, not ab: Debian's ab 2.3 sends one request alone before it opens the other C - 1
 * connections, which adds a whole wait period to every run. wrk's own req/s (answers completed
 * in its run / its run time) counts whole 2 s rounds only, so it swings with where the run ends;
 * the steady rate, C / mean answer time, is Little's law for C clients that re-poll at once,
 * and is what is compared with the bound.
 */
final class LongPollMeasurement {

    record Row(LogKind log, int concurrency, long requests, double seconds, double meanMs, double p99Ms, double maxMs,
            long errors, double boundPerSecond, long serverCpuMs, long wrkCpuMs) {

        double wrkPerSecond() {
            return requests / seconds;
        }

        double steadyPerSecond() {
            return concurrency / (meanMs / 1000);
        }

        double percentOfBound() {
            return 100 * steadyPerSecond() / boundPerSecond;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("log", log.label);
            json.put("concurrency", concurrency);
            json.put("requests", requests);
            json.put("seconds", seconds);
            json.put("wrkRequestsPerSecond", wrkPerSecond());
            json.put("steadyRequestsPerSecond", steadyPerSecond());
            json.put("boundRequestsPerSecond", boundPerSecond);
            json.put("percentOfBound", percentOfBound());
            json.put("meanMs", meanMs);
            json.put("p99Ms", p99Ms);
            json.put("maxMs", maxMs);
            json.put("errors", errors);
            json.put("serverCpuMs", serverCpuMs);
            json.put("wrkCpuMs", wrkCpuMs);
            return json;
        }
    }

    private LongPollMeasurement() {
    }

    /** Runs every concurrency against {@code server}, which must have the poll wait timeout and an empty log. */
    static List<Row> run(Settings settings, Children children, LogKind log, NodecastProcess server, Path logDir) throws IOException {
        List<Row> rows = new ArrayList<>();
        double waitSeconds = settings.pollWaitTimeout().toMillis() / 1000.0;
        for (int concurrency : settings.concurrencies()) {
            long serverCpu = server.cpuMillis();
            Wrk.Result wrk = Wrk.run(children, settings, Math.min(2, concurrency), concurrency, settings.pollDuration(),
                    "http://127.0.0.1:" + server.port() + "/wait?id=0", null,
                    logDir.resolve(log.label + "-wrk-poll-" + concurrency + ".log"));
            serverCpu = server.cpuMillis() - serverCpu;
            Row row = new Row(log, concurrency, wrk.requests(), wrk.seconds(), wrk.meanMs(), wrk.p99Ms(), wrk.maxMs(),
                    wrk.non2xx() + wrk.socketErrors() + wrk.timeouts(), concurrency / waitSeconds, serverCpu, wrk.cpuMillis());
            Bench.log("  %s: C = %d: %.1f req/s steady, %.2f%% of the bound", log.label, concurrency, row.steadyPerSecond(), row.percentOfBound());
            rows.add(row);
            Bench.pause(1000); // the server drops the last run's connections before the next run opens its own
        }
        return rows;
    }

    static Table table(List<Row> rows) {
        Table table = new Table("The 2009 test: C clients long-poll with a 2 s wait timeout and no message (wrk); bound = C / 2 s",
                "log", "C", "answers", "wrk req/s", "steady req/s", "bound", "% of bound", "mean ms", "p99 ms", "max ms",
                "errors", "server cpu ms", "wrk cpu ms");
        for (Row r : rows) {
            table.row(r.log.label, r.concurrency, r.requests, r.wrkPerSecond(), r.steadyPerSecond(), r.boundPerSecond,
                    r.percentOfBound(), r.meanMs, r.p99Ms, r.maxMs, r.errors, r.serverCpuMs, r.wrkCpuMs);
        }
        return table;
    }
}
