package dev.cartwright.testkit;

/** How a service for integration tests was obtained; logged once per JVM and visible to tests. */
public enum Source {
    /** An address given in the environment ({@code CARTWRIGHT_*}). */
    ENVIRONMENT("address from the environment"),
    /** Something already answering on the service's usual local port. */
    LOCAL_DEFAULT_PORT("local default port"),
    /** A container started through Testcontainers on a Docker engine. */
    TESTCONTAINERS("Testcontainers"),
    /** A broker started inside the test JVM (Kafka only). */
    IN_PROCESS("in-process broker");

    private final String description;

    Source(String description) {
        this.description = description;
    }

    /** A short human description, used in log lines. */
    public String description() {
        return description;
    }
}
