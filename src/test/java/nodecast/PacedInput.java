package nodecast;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A socket's input read no faster than a pace, a few KB at a time, as a reader on a slow link
 * reads: with a small receive window, the server can send no faster either. Unpaced (the
 * default), it reads as fast as bytes come.
 */
final class PacedInput extends FilterInputStream {
    private static final int READ_AT_MOST = 4 * 1024;
    private long bytesPerSecond;
    private long pacedSince;
    private long readSince;

    PacedInput(InputStream in) {
        super(in);
    }

    /** Reads at most {@code bytesPerSecond} on average from now on; 0: as fast as bytes come. */
    synchronized void pace(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        pacedSince = System.nanoTime();
        readSince = 0;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] bytes, int offset, int length) throws IOException {
        if (bytesPerSecond > 0) {
            length = Math.min(length, READ_AT_MOST);
            long due = pacedSince + readSince * 1_000_000_000L / bytesPerSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
        }
        int read = super.read(bytes, offset, length);
        readSince += Math.max(read, 0);
        return read;
    }
}
