package dev.cartwright.service.logging;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;

/**
 * Chooses the services' log format for the shared {@code logback.xml}: {@code JSON} (one JSON object per line,
 * Logback's own JsonEncoder) in production, {@code TEXT} (readable lines) in development.
 * {@code CARTWRIGHT_LOG_FORMAT} ({@code json} or {@code text}) wins; without it, {@code CARTWRIGHT_AUTH_MODE=jwt}
 * (production) means JSON. The configuration passes both settings in, so it reads no environment itself.
 */
public final class LogFormat extends PropertyDefinerBase {

    public static final String JSON = "JSON";
    public static final String TEXT = "TEXT";

    private String logFormat = "";
    private String authMode = "";

    public void setLogFormat(String logFormat) {
        this.logFormat = logFormat == null ? "" : logFormat.trim();
    }

    public void setAuthMode(String authMode) {
        this.authMode = authMode == null ? "" : authMode.trim();
    }

    @Override
    public String getPropertyValue() {
        String chosen = choose(logFormat, authMode);
        if (!logFormat.isEmpty() && !logFormat.equalsIgnoreCase(chosen)) {
            addWarn("CARTWRIGHT_LOG_FORMAT must be json or text, was '" + logFormat + "'; logging " + chosen);
        }
        return chosen;
    }

    /** The appender name for these settings; an unknown format falls back to what the auth mode implies. */
    public static String choose(String logFormat, String authMode) {
        String format = logFormat == null ? "" : logFormat.trim().toLowerCase(Locale.ROOT);
        return switch (format) {
            case "json" -> JSON;
            case "text" -> TEXT;
            default -> "jwt".equalsIgnoreCase(authMode == null ? "" : authMode.trim()) ? JSON : TEXT;
        };
    }
}
