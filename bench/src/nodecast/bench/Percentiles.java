package nodecast.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of samples. */
final class Percentiles {
    private final long[] sorted;

    Percentiles(long[] samples) {
        sorted = samples.clone();
        Arrays.sort(sorted);
    }

    /** The smallest sample that {@code percent} % of the samples are at or below; NaN without samples. */
    double at(double percent) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percent / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }
}
