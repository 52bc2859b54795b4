package nodecast.log;

import com.google.gson.Gson;

/** How nodecast reads and writes JSON: one configured Gson for everything. */
public final class Json {
    private static final Gson GSON = new Gson();

    private Json() {
    }

    public static String write(Object value) {
        return GSON.toJson(value);
    }

    static <T> T read(String json, Class<T> type) {
        return GSON.fromJson(json, type);
    }
}
