package dev.cartwright.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time a process on this machine has used, user and system, in clock ticks: fields 14 and 15 of
 * {@code /proc/PID/stat} (after the command name, which is in parentheses and may hold spaces). The driver reads the
 * service's before and after its measured requests, so that what a request costs the service is known per protocol.
 */
final class ServiceCpu {

    private ServiceCpu() {
    }

    /** utime + stime of {@code pid} in clock ticks; 0 when {@code pid} is 0 (no service named). */
    static long ticks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            return ticksOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
        }
    }

    /** utime + stime from the text of a {@code /proc/PID/stat} file. */
    static long ticksOf(String stat) {
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // after[0] is field 3 (state): utime is field 14, stime field 15.
        return Long.parseLong(after[11]) + Long.parseLong(after[12]);
    }
}
