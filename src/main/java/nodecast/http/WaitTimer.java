package nodecast.http;

import java.time.Duration;
import org.xnio.XnioIoThread;

/**
 * Fires a parked request's timeout on its connection's IO thread. In production that is
 * {@link IoThreadTimers}; a test can fire timeouts when it chooses instead of sleeping through them.
 */
public interface WaitTimer {
    /** Runs {@code timeout} on {@code ioThread} after {@code delay}; returns what cancels it, to be run on that thread. */
    Runnable schedule(XnioIoThread ioThread, Duration delay, Runnable timeout);
}
