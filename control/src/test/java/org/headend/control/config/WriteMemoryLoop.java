package org.headend.control.config;

import java.nio.file.Path;

/**
 * The child of {@link WriteMemoryCrashTest}: loads a startup-config, then saves it over and over with the hostname
 * switching between {@code a} and {@code b}, until it is killed. Prints {@code READY} after the first save.
 */
public final class WriteMemoryLoop
{
    private WriteMemoryLoop()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final ConfigStore store = ConfigStore.load(Path.of(args[0]));
        boolean b = true;
        boolean first = true;
        while (true)
        {
            store.apply(ConfigCursor.TOP, "hostname " + (b ? "b" : "a"), "loop", 1);
            store.writeMemory();
            b = !b;
            if (first)
            {
                System.out.println("READY");
                System.out.flush();
                first = false;
            }
        }
    }
}
