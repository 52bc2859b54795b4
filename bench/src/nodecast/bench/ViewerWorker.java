package nodecast.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A load-generator process: a {@link ViewerPool} driven by one-line commands on standard input,
 * answered on standard output. Several run at once because one process may open only so many files.
 *
 * <pre>
 *   open COUNT PORT FROM_ID TIMEOUT_MS STYLE CHANNELS FIRST
 *                                       -&gt; opened VIEWERS FAILED (once connected and polling or streaming, or at the timeout;
 *                                          STYLE a {@link ViewerStyle}: which server, transport, headers; the viewers
 *                                          are FIRST on of a {@link ChannelSpread} over CHANNELS, 0 for none)
 *   timing on|off                       -&gt; ok                        (record each message's arrival times, or only count)
 *   await ID TIMEOUT_MS                 -&gt; reached ID REACHED VIEWERS (once every viewer has message ID, or at the timeout)
 *   report                              -&gt; arrivals CHANNEL ID T1 T2 ... (per message, when timing is on), then
 *                                          counts DELIVERED DUPLICATED SKIPPED ERRORS EMPTY RESPONSES VIEWERS, then end;
 *                                          everything counted since the last report
 *   close                               -&gt; closed                    (closes every viewer)
 *   quit, or end of input               -&gt; exits
 * </pre>
 */
public final class ViewerWorker {
    /** However the coordinator fares, a worker never outlives this. */
    private static final long LIFETIME_NANOS = TimeUnit.HOURS.toNanos(2);

    private final ViewerPool pool;
    private final BlockingQueue<String> commands = new LinkedBlockingQueue<>();
    private final PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
    private long openDeadline;
    private long awaitedId = -1;
    private long awaitDeadline;

    private ViewerWorker(ViewerPool pool) {
        this.pool = pool;
    }

    /** Arguments: the source addresses to bind to, comma-separated (127.0.0.2,127.0.0.3,...). */
    public static void main(String[] args) throws IOException {
        // The first arrival ever recorded bootstraps the hashCode and equals of a record (invokedynamic),
        // 50 to 100 ms: paid here, it no longer delays the first timed message of the first server measured.
        new Arrivals().record(0, 0, 0);
        new ViewerWorker(new ViewerPool(ViewerPool.addresses(args[0]))).run();
    }

    private void run() throws IOException {
        Thread reader = new Thread(this::readCommands, "commands");
        reader.setDaemon(true);
        reader.start();
        long end = System.nanoTime() + LIFETIME_NANOS;
        while (System.nanoTime() < end) {
            pool.poll(20);
            String command;
            while ((command = commands.poll()) != null) {
                if (!handle(command.split(" "))) {
                    pool.closeAll();
                    return;
                }
            }
            reportProgress();
        }
    }

    private void readCommands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                commands.add(line);
            }
        } catch (IOException e) {
            // the coordinator is gone: quit, below
        }
        commands.add("quit");
    }

    private boolean handle(String[] words) throws IOException {
        switch (words[0]) {
            case "open" -> {
                pool.open(new InetSocketAddress("127.0.0.1", Integer.parseInt(words[2])),
                        ViewerStyle.valueOf(words[5]).protocol, Integer.parseInt(words[1]), Long.parseLong(words[3]),
                        new ChannelSpread(Integer.parseInt(words[6])), Integer.parseInt(words[7]));
                openDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(words[4]));
            }
            case "timing" -> {
                pool.setTiming("on".equals(words[1]));
                reply("ok");
            }
            case "await" -> {
                awaitedId = Long.parseLong(words[1]);
                awaitDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(words[2]));
                pool.await(awaitedId);
            }
            case "report" -> {
                out.print(pool.report());
                reply("end");
            }
            case "close" -> {
                pool.closeAll();
                reply("closed");
            }
            case "quit" -> {
                return false;
            }
            default -> reply("error unknown command " + words[0]);
        }
        return true;
    }

    /** Answers an open or an await once it is done or its time is up. */
    private void reportProgress() {
        long now = System.nanoTime();
        if (openDeadline != 0 && (!pool.isOpening() || now > openDeadline)) {
            pool.abandonOpening();
            openDeadline = 0;
            reply("opened " + pool.size() + " " + pool.openFailures());
        }
        if (awaitedId >= 0 && (pool.reachedAwaited() >= pool.size() || now > awaitDeadline)) {
            reply("reached " + awaitedId + " " + pool.reachedAwaited() + " " + pool.size());
            awaitedId = -1;
        }
    }

    private void reply(String line) {
        out.print(line);
        out.print('\n');
        out.flush();
    }
}
