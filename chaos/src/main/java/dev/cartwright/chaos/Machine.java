package dev.cartwright.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A one-line description of the machine a run happened on, for the figures in RELIABILITY.md. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException e) {
            // Not Linux: the CPU stays unknown.
        }
        long memoryGiB = -1;
        try {
            memoryGiB = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024).findFirst().orElse(-1L);
        } catch (IOException e) {
            // Unknown.
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + memoryGiB + " GiB, Java "
            + System.getProperty("java.version") + ", shared with other work";
    }
}
