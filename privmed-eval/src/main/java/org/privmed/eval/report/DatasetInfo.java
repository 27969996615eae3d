package org.privmed.eval.report;

import java.util.List;

/**
 * What a report was measured on.
 *
 * @param name dataset name, e.g. "pneumoniamnist" or "bloodmnist-pbc"
 * @param split which part was evaluated, e.g. "test"; empty when not applicable
 * @param samples number of evaluated samples; 0 when not stated
 * @param classNames class names in label order; empty to print class indices
 * @param note caveat printed with every rendering, e.g. "bloodmnist-pbc: not the official split";
 *     empty for none
 */
public record DatasetInfo(String name, String split, long samples, List<String> classNames, String note) {
    public DatasetInfo {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("dataset name must be non-blank, got "
                    + (name == null ? "null" : "'" + name + "'"));
        }
        split = split == null ? "" : split;
        note = note == null ? "" : note;
        if (samples < 0) {
            throw new IllegalArgumentException("dataset samples must be non-negative, got " + samples);
        }
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
    }

    /** A dataset known by name only. */
    public static DatasetInfo of(String name) {
        return new DatasetInfo(name, "", 0, List.of(), "");
    }

    public DatasetInfo withSplit(String newSplit) {
        return new DatasetInfo(name, newSplit, samples, classNames, note);
    }

    public DatasetInfo withSamples(long newSamples) {
        return new DatasetInfo(name, split, newSamples, classNames, note);
    }

    public DatasetInfo withClassNames(List<String> names) {
        return new DatasetInfo(name, split, samples, names, note);
    }

    public DatasetInfo withNote(String newNote) {
        return new DatasetInfo(name, split, samples, classNames, newNote);
    }

    /** The name of class {@code c}, or its index when no names were given. */
    public String className(int c) {
        return c >= 0 && c < classNames.size() ? classNames.get(c) : Integer.toString(c);
    }
}
