package org.privmed.data.partition;

import java.util.List;

/**
 * A plain-text table of class counts per client, one row per client plus a total row, with the
 * client's size and its number of distinct classes, so label skew can be read at a glance.
 */
public final class PartitionTable {
  private static final int MAX_HEADER = 12;

  private PartitionTable() {}

  /**
   * Formats {@code partition} over {@code labels}; {@code classNames} gives the number of classes
   * and the column headings (names longer than 12 characters are cut, with an index prefix).
   */
  public static String format(Partition partition, int[] labels, List<String> classNames) {
    int k = classNames.size();
    int[][] counts = partition.classCounts(labels, k);
    String[] header = new String[k + 3];
    header[0] = "client";
    header[1] = "size";
    header[2] = "classes";
    for (int j = 0; j < k; j++) {
      String name = classNames.get(j);
      header[j + 3] = name.length() <= MAX_HEADER ? name
          : (j + ":" + name).substring(0, MAX_HEADER);
    }
    int rows = counts.length + 1;
    String[][] cells = new String[rows][k + 3];
    int[] total = new int[k];
    for (int c = 0; c < counts.length; c++) {
      int distinct = 0;
      for (int j = 0; j < k; j++) {
        cells[c][j + 3] = Integer.toString(counts[c][j]);
        total[j] += counts[c][j];
        distinct += counts[c][j] > 0 ? 1 : 0;
      }
      cells[c][0] = Integer.toString(c);
      cells[c][1] = Integer.toString(partition.clientSize(c));
      cells[c][2] = Integer.toString(distinct);
    }
    int last = rows - 1;
    cells[last][0] = "total";
    cells[last][1] = Integer.toString(partition.totalSize());
    int present = 0;
    for (int j = 0; j < k; j++) {
      cells[last][j + 3] = Integer.toString(total[j]);
      present += total[j] > 0 ? 1 : 0;
    }
    cells[last][2] = Integer.toString(present);
    int[] width = new int[k + 3];
    for (int col = 0; col < width.length; col++) {
      width[col] = header[col].length();
      for (String[] row : cells) {
        width[col] = Math.max(width[col], row[col].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(partition.scheme()).append(", ").append(partition.numClients())
        .append(" clients\n");
    appendRow(sb, header, width);
    StringBuilder rule = new StringBuilder();
    for (int col = 0; col < width.length; col++) {
      rule.append(col == 0 ? "" : "  ").append("-".repeat(width[col]));
    }
    sb.append(rule).append('\n');
    for (int r = 0; r < rows; r++) {
      if (r == last) {
        sb.append(rule).append('\n');
      }
      appendRow(sb, cells[r], width);
    }
    return sb.toString();
  }

  private static void appendRow(StringBuilder sb, String[] cells, int[] width) {
    for (int col = 0; col < cells.length; col++) {
      if (col > 0) {
        sb.append("  ");
      }
      String cell = cells[col];
      // first column left-aligned (labels), numbers right-aligned
      if (col == 0) {
        sb.append(cell).append(" ".repeat(width[col] - cell.length()));
      } else {
        sb.append(" ".repeat(width[col] - cell.length())).append(cell);
      }
    }
    sb.append('\n');
  }
}
