package nodecast.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A JVM's live objects by class, as {@code jcmd PID GC.class_histogram} lists them (after a full GC). */
final class ClassHistogram {
    private static final Pattern ROW = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /** A class's instances and their bytes (shallow: each object's own size, not what it points to). */
    record Row(String className, long instances, long bytes) {
        Map<String, Object> toJson(double per) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("class", className);
            json.put("instances", instances / per);
            json.put("bytes", bytes / per);
            return json;
        }
    }

    private final Map<String, Row> rows = new HashMap<>();

    /** Reads jcmd's output: a line a class, {@code num: instances bytes class-name (module)}. */
    ClassHistogram(String jcmdOutput) {
        Matcher row = ROW.matcher(jcmdOutput);
        while (row.find()) {
            rows.put(row.group(3), new Row(row.group(3), Long.parseLong(row.group(1)), Long.parseLong(row.group(2))));
        }
    }

    /** The bytes of every live object: the heap in use after a full GC, as counted at the histogram's own safepoint. */
    long totalBytes() {
        return rows.values().stream().mapToLong(Row::bytes).sum();
    }

    /** The {@code most} classes whose bytes grew most from {@code base} to this, by how much. */
    List<Row> growthOver(ClassHistogram base, int most) {
        List<Row> growth = new ArrayList<>();
        for (Row row : rows.values()) {
            Row before = base.rows.getOrDefault(row.className, new Row(row.className, 0, 0));
            growth.add(new Row(row.className, row.instances - before.instances, row.bytes - before.bytes));
        }
        growth.sort(Comparator.comparingLong(Row::bytes).reversed());
        return growth.subList(0, Math.min(most, growth.size()));
    }
}
