package dev.cartwright.order.migration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The rows of some aggregates in canonical form (the new schema's), table by table, and the aggregates whose rows could
 * not be converted, with the reason. A rejected aggregate has no rows here: it moves whole or not at all.
 */
record ChunkRows(Aggregate aggregate, Map<TableMapping, List<Map<String, Object>>> rows, Map<String, String> rejected) {

    ChunkRows {
        Map<TableMapping, List<Map<String, Object>>> copy = new LinkedHashMap<>();
        for (TableMapping table : aggregate.tables()) {
            copy.put(table, List.copyOf(rows.getOrDefault(table, List.of())));
        }
        rows = copy;
        rejected = Map.copyOf(rejected);
    }

    /** Builds chunk rows from what one side returned, converting to canonical form; a row that does not convert rejects its aggregate. */
    static ChunkRows fromSide(Aggregate aggregate, Side side, Map<TableMapping, List<Map<String, Object>>> read) {
        Map<String, String> rejected = new LinkedHashMap<>();
        Map<TableMapping, List<Map<String, Object>>> canonical = new LinkedHashMap<>();
        for (TableMapping table : aggregate.tables()) {
            List<Map<String, Object>> converted = new ArrayList<>();
            for (Map<String, Object> row : read.getOrDefault(table, List.of())) {
                String root = String.valueOf(row.get(table.side(side).rootColumn()));
                try {
                    converted.add(table.toCanonical(side, row));
                } catch (ConversionException | ClassCastException e) {
                    rejected.putIfAbsent(root, table.legacy().table() + ": " + e.getMessage());
                }
            }
            canonical.put(table, converted);
        }
        return new ChunkRows(aggregate, canonical, rejected).without(rejected.keySet());
    }

    /** The root ids that have a root row here. */
    Set<String> roots() {
        Set<String> roots = new TreeSet<>();
        TableMapping root = aggregate.root();
        for (Map<String, Object> row : rows.get(root)) {
            roots.add((String) row.get(root.target().rootColumn()));
        }
        return roots;
    }

    /** These rows without some aggregates (their rejection reasons stay). */
    ChunkRows without(Collection<String> roots) {
        return filter(roots, false);
    }

    /** Only the rows of some aggregates. */
    ChunkRows only(Collection<String> roots) {
        return filter(roots, true);
    }

    private ChunkRows filter(Collection<String> roots, boolean keep) {
        Set<String> set = Set.copyOf(roots);
        Map<TableMapping, List<Map<String, Object>>> kept = new LinkedHashMap<>();
        rows.forEach((table, list) -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> row : list) {
                if (set.contains((String) row.get(table.target().rootColumn())) == keep) {
                    out.add(row);
                }
            }
            kept.put(table, out);
        });
        return new ChunkRows(aggregate, kept, rejected);
    }

    int rowCount() {
        return rows.values().stream().mapToInt(List::size).sum();
    }
}
