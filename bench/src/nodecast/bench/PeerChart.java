package nodecast.bench;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The comparison with a peer as a PNG: a column per transport, and in each the server CPU per
 * delivered message, the fan-out p99 and the resident memory with the viewers held against the
 * number of viewers, nodecast's line beside the peer's: the memory's slope is what a viewer costs,
 * whatever each server kept from its warm-up.
 */
final class PeerChart {
    private static final int COLUMN = 340;
    private static final int ROW = 250;
    private static final int PLOT_WIDTH = 240;
    private static final int PLOT_HEIGHT = 170;

    private record Figure(String heading, String axis, ToDoubleFunction<PeerComparison.Level> value) {
    }

    private static final List<Figure> FIGURES = List.of(
            new Figure("CPU per delivery", "server CPU, µs", PeerComparison.Level::cpuMicrosPerDelivery),
            new Figure("fan-out p99", "latency, ms", PeerComparison.Level::p99Ms),
            new Figure("memory held", "resident, MiB", level -> level.held().residentKib() / 1024.0));

    private PeerChart() {
    }

    static void write(List<Transport> transports, List<PeerComparison.Level> nodecast, List<PeerComparison.Level> peer, String peerName,
            String subtitle, Path png) throws IOException {
        int width = 80 + COLUMN * transports.size();
        Plot plot = new Plot(width, 70 + ROW * FIGURES.size(),
                "nodecast beside " + peerName + ": per transport, against held viewers", subtitle);
        for (int column = 0; column < transports.size(); column++) {
            Transport transport = transports.get(column);
            for (int row = 0; row < FIGURES.size(); row++) {
                Figure figure = FIGURES.get(row);
                List<Plot.Series> series = List.of(
                        series("nodecast", Plot.BLUE, of(transport, nodecast), figure.value()),
                        series(peerName, Plot.RED, of(transport, peer), figure.value()));
                boolean legend = column == transports.size() - 1 && row == 0;
                plot.panel(100 + COLUMN * column, 85 + ROW * row, PLOT_WIDTH, PLOT_HEIGHT,
                        transport.label + ": " + figure.heading(), "viewers", figure.axis(),
                        series.stream().filter(s -> s.xs().length > 0).toList(), legend ? width - 170 : -1, 20);
            }
        }
        plot.write(png);
    }

    private static List<PeerComparison.Level> of(Transport transport, List<PeerComparison.Level> levels) {
        return levels.stream().filter(l -> l.transport() == transport).toList();
    }

    private static Plot.Series series(String label, Color color, List<PeerComparison.Level> levels,
            ToDoubleFunction<PeerComparison.Level> value) {
        return new Plot.Series(label, color, false, levels.stream().mapToDouble(PeerComparison.Level::viewers).toArray(),
                levels.stream().mapToDouble(value).toArray());
    }
}
