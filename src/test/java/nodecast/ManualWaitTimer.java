package nodecast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import nodecast.http.WaitTimer;

/**
 * Wait timeouts that fire when the test says, each on its request's IO thread as a real one
 * would, so a test of what a timeout does never sleeps through one.
 */
final class ManualWaitTimer implements WaitTimer {
    private final Map<Object, Runnable> pending = new ConcurrentHashMap<>();
    private final List<Duration> delays = new ArrayList<>();

    @Override
    public Runnable schedule(org.xnio.XnioIoThread ioThread, Duration delay, Runnable timeout) {
        Object key = new Object();
        pending.put(key, () -> ioThread.execute(timeout));
        synchronized (delays) {
            delays.add(delay);
        }
        return () -> pending.remove(key);
    }

    /** Fires every timeout not cancelled yet, as if its time had come; returns how many. */
    int fireAll() {
        List<Runnable> due = new ArrayList<>();
        for (Object key : List.copyOf(pending.keySet())) {
            Runnable fire = pending.remove(key);
            if (fire != null) {
                due.add(fire);
            }
        }
        due.forEach(Runnable::run);
        return due.size();
    }

    /** Timeouts scheduled and neither fired nor cancelled. */
    int pending() {
        return pending.size();
    }

    /** The delay of every timeout scheduled so far. */
    List<Duration> delays() {
        synchronized (delays) {
            return List.copyOf(delays);
        }
    }
}
