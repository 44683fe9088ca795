package org.headend.control.config;

import java.util.ArrayList;
import java.util.List;
import org.headend.control.config.grammar.Mode;

/**
 * Where a configuration session stands: the chain of sub-mode lines it entered, outermost first. Immutable; the
 * empty chain is global configuration mode.
 *
 * @param path the entered lines, each with the mode it opened
 */
public record ConfigCursor(List<Frame> path)
{
    /** Global configuration mode. */
    public static final ConfigCursor TOP = new ConfigCursor(List.of());

    /**
     * One entered sub-mode.
     *
     * @param key  the normalized key of the line that opened it, e.g. {@code group-policy DEMO attributes}
     * @param mode the mode it opened
     */
    public record Frame(String key, Mode mode)
    {
    }

    public ConfigCursor
    {
        path = List.copyOf(path);
    }

    /** The mode the session is in. */
    public Mode mode()
    {
        return modeAt(path.size());
    }

    public int depth()
    {
        return path.size();
    }

    /** The mode at {@code depth} sub-modes in (0: global configuration). */
    public Mode modeAt(final int depth)
    {
        return depth == 0 ? Mode.CONFIG : path.get(depth - 1).mode();
    }

    /** This cursor left back to {@code depth} sub-modes. */
    public ConfigCursor truncate(final int depth)
    {
        return depth == path.size() ? this : new ConfigCursor(path.subList(0, depth));
    }

    /** This cursor after entering the sub-mode opened by the line {@code key}. */
    public ConfigCursor enter(final String key, final Mode mode)
    {
        final List<Frame> longer = new ArrayList<>(path);
        longer.add(new Frame(key, mode));
        return new ConfigCursor(longer);
    }

    /** One level up; global configuration stays where it is. */
    public ConfigCursor exit()
    {
        return path.isEmpty() ? this : truncate(path.size() - 1);
    }
}
