package nodecast.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Publishes one message to every channel of a spread (a round), over a few keep-alive connections
 * at once, each on a thread of its own: with 10,000 channels one connection alone would make the
 * round as long as 10,000 round trips.
 */
final class ChannelRoundPublisher implements AutoCloseable {
    private final List<Publisher> publishers = new ArrayList<>();
    private final ExecutorService threads;

    ChannelRoundPublisher(NodecastProcess server, int connections) throws IOException {
        for (int i = 0; i < connections; i++) {
            publishers.add(new Publisher(server));
        }
        threads = Executors.newFixedThreadPool(connections);
    }

    /**
     * Publishes message {@code round} to each channel of {@code spread}; returns when each request
     * was sent (System.nanoTime), by channel. Each channel must answer with id {@code round}: every
     * round reaches every channel, and the spread's channels are its own.
     */
    long[] publishRound(ChannelSpread spread, int round) throws IOException {
        long[] sentAt = new long[spread.channels()];
        List<Future<Void>> done = new ArrayList<>();
        for (int p = 0; p < publishers.size(); p++) {
            Publisher publisher = publishers.get(p);
            int first = p;
            done.add(threads.submit(() -> {
                for (int channel = first; channel < spread.channels(); channel += publishers.size()) {
                    Publishing.Published published = publisher.publish(spread.path(channel), "round " + round);
                    if (published.id() != round) {
                        throw new IOException(spread.path(channel) + " gave id " + published.id() + " in round " + round);
                    }
                    sentAt[channel] = published.sentAt();
                }
                return null;
            }));
        }
        // Future.get orders each thread's writes to sentAt before the caller reads them.
        for (Future<Void> future : done) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IOException("publishing round " + round + " failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return sentAt;
    }

    @Override
    public void close() throws IOException {
        threads.shutdownNow();
        for (Publisher publisher : publishers) {
            publisher.close();
        }
    }
}
