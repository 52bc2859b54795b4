package nodecast;

/** One field line of an event stream, split as the HTML standard splits it: the name before the first colon, the value after (less one space). */
record EventStreamField(String name, String value) {

    static EventStreamField of(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? new EventStreamField(line, "") : new EventStreamField(line.substring(0, colon), line.substring(colon + 1).replaceFirst("^ ", ""));
    }
}
