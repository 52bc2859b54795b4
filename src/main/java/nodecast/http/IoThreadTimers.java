package nodecast.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.XnioIoThread;

/** The production {@link WaitTimer}: one {@link TimeoutQueue} per IO thread, each made on its thread's first wait. */
public final class IoThreadTimers implements WaitTimer {
    private final Map<XnioIoThread, TimeoutQueue> queues = new ConcurrentHashMap<>();

    @Override
    public Runnable schedule(XnioIoThread ioThread, Duration delay, Runnable timeout) {
        return queues.computeIfAbsent(ioThread, thread -> new TimeoutQueue(thread, System::nanoTime)).schedule(delay.toNanos(), timeout);
    }
}
