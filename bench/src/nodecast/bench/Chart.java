package nodecast.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Draws fan-out latency (p50 and p99) against the number of viewers, one pair of lines per message log, as a PNG. */
final class Chart {
    private Chart() {
    }

    static void write(List<FanOutMeasurement.Level> levels, String subtitle, Path png) throws IOException {
        List<Plot.Series> series = new ArrayList<>();
        for (LogKind log : LogKind.values()) {
            List<FanOutMeasurement.Level> of = levels.stream().filter(l -> l.log() == log).toList();
            if (of.isEmpty()) {
                continue;
            }
            double[] viewers = of.stream().mapToDouble(FanOutMeasurement.Level::viewers).toArray();
            Color color = log.ordinal() % 2 == 0 ? Plot.BLUE : Plot.RED;
            series.add(new Plot.Series(log.label + " p50", color, true, viewers, of.stream().mapToDouble(FanOutMeasurement.Level::p50Ms).toArray()));
            series.add(new Plot.Series(log.label + " p99", color, false, viewers, of.stream().mapToDouble(FanOutMeasurement.Level::p99Ms).toArray()));
        }
        Plot plot = new Plot(900, 540, "nodecast fan-out latency: publish request to each viewer's response", subtitle);
        plot.panel(80, 60, 620, 410, "", "parked viewers", "latency, ms", series, 715, 70);
        plot.write(png);
    }
}
