package dev.cartwright.order.flags;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The flags a process knows, with their defaults, and which of them are rollouts (may be on for a share of subjects);
 * the others are switches, on or off for everyone. Only known flags may be set in the flags file or the environment,
 * so a typo in an emergency rollback ("migration.dual_writ=off") is refused loudly instead of doing nothing, and a
 * switch set to 50% is refused rather than read one way or the other.
 */
public record FlagCatalog(Map<String, FlagSetting> defaults, Set<String> rollouts) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    public FlagCatalog {
        Map<String, String> byEnvironmentName = new LinkedHashMap<>();
        for (String flag : defaults.keySet()) {
            requireName(flag);
            String clash = byEnvironmentName.put(environmentName(flag), flag);
            if (clash != null) {
                throw new IllegalArgumentException("flags '" + clash + "' and '" + flag + "' share the environment variable "
                    + environmentName(flag));
            }
        }
        defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
        rollouts = Set.copyOf(rollouts);
        for (String rollout : rollouts) {
            if (!defaults.containsKey(rollout)) {
                throw new IllegalArgumentException("rollout '" + rollout + "' has no default");
            }
        }
        for (Map.Entry<String, FlagSetting> flag : defaults.entrySet()) {
            requireAllowed(flag.getKey(), flag.getValue(), rollouts);
        }
    }

    /** A catalogue in which every flag may be a rollout. */
    public static FlagCatalog ofRollouts(Map<String, FlagSetting> defaults) {
        return new FlagCatalog(defaults, defaults.keySet());
    }

    /** The migration's flags ({@link MigrationFlags}), every one off. */
    public static FlagCatalog migration() {
        Map<String, FlagSetting> defaults = new LinkedHashMap<>();
        for (String flag : MigrationFlags.ALL) {
            defaults.put(flag, FlagSetting.OFF);
        }
        return new FlagCatalog(defaults, Set.of(MigrationFlags.READ_SWITCH));
    }

    /** This catalogue plus one more flag, a rollout or a switch. */
    public FlagCatalog with(String flag, FlagSetting defaultSetting, boolean rollout) {
        Map<String, FlagSetting> more = new LinkedHashMap<>(defaults);
        more.put(flag, defaultSetting);
        Set<String> moreRollouts = new HashSet<>(rollouts);
        if (rollout) {
            moreRollouts.add(flag);
        }
        return new FlagCatalog(more, moreRollouts);
    }

    /**
     * Refuses a share between 0% and 100% for a switch.
     *
     * @throws IllegalArgumentException saying which flag may only be on or off
     */
    public void requireAllowed(String flag, FlagSetting setting) {
        requireAllowed(flag, setting, rollouts);
    }

    private static void requireAllowed(String flag, FlagSetting setting, Set<String> rollouts) {
        if (!rollouts.contains(flag) && !setting.off() && !setting.fullyOn()) {
            throw new IllegalArgumentException("flag '" + flag + "' is a switch: on or off, not " + setting);
        }
    }

    public boolean knows(String flag) {
        return defaults.containsKey(flag);
    }

    /** The environment variable that overrides {@code flag}: {@code CARTWRIGHT_FLAG_} + name upper-cased, '.' as '_'. */
    public static String environmentName(String flag) {
        return "CARTWRIGHT_FLAG_" + flag.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    static String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a flag name is lower-case words joined by '.', e.g. migration.read_switch; was '"
                + name + "'");
        }
        return name;
    }
}
