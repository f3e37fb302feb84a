package dev.cartwright.order.migration;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The outcome of one verify run over one aggregate: chunk and row counts, and every chunk that differed. */
public record VerifyReport(Aggregate aggregate, OffsetDateTime startedAt, OffsetDateTime finishedAt, int chunks, long legacyRows,
                           long targetRows, List<ChunkMismatch> mismatches) {

    public VerifyReport {
        mismatches = List.copyOf(mismatches);
    }

    public boolean clean() {
        return mismatches.isEmpty();
    }

    public String describe() {
        StringBuilder text = new StringBuilder();
        text.append("verify ").append(aggregate.rootTable()).append(": ").append(clean() ? "CLEAN" : "DIRTY").append("; chunks ")
            .append(chunks).append(", rows order_db ").append(legacyRows).append(" / new ").append(targetRows);
        for (ChunkMismatch m : mismatches) {
            text.append("\n  chunk ").append(m.index()).append(' ').append(m.range()).append(": rows ").append(m.legacyRows()).append(" / ")
                .append(m.targetRows()).append(", md5 ").append(m.legacyMd5()).append(" / ").append(m.targetMd5())
                .append(", differing ").append(m.differingRootCount()).append(' ').append(m.differingRoots());
            if (!m.unconvertible().isEmpty()) {
                text.append(", unconvertible ").append(m.unconvertible());
            }
            if (!m.pendingMirror().isEmpty()) {
                text.append(", mirror pending ").append(m.pendingMirror());
            }
        }
        return text.toString();
    }

    public String toJson() {
        JsonArray chunksJson = new JsonArray();
        for (ChunkMismatch m : mismatches) {
            chunksJson.add(new JsonObject()
                .put("chunk", m.index())
                .put("after", m.range().after())
                .put("upTo", m.range().upTo())
                .put("legacyRows", m.legacyRows())
                .put("targetRows", m.targetRows())
                .put("legacyMd5", m.legacyMd5())
                .put("targetMd5", m.targetMd5())
                .put("differingRoots", new JsonArray(List.copyOf(m.differingRoots())))
                .put("differingRootCount", m.differingRootCount())
                .put("unconvertible", new JsonObject(new LinkedHashMap<>(m.unconvertible())))
                .put("pendingMirror", new JsonArray(List.copyOf(m.pendingMirror()))));
        }
        return new JsonObject()
            .put("aggregate", aggregate.key())
            .put("chunks", chunks)
            .put("legacyRows", legacyRows)
            .put("targetRows", targetRows)
            .put("clean", clean())
            .put("mismatches", chunksJson)
            .encode();
    }
}
