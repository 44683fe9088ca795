package org.headend.control;

import org.headend.control.config.ConfigStore;

/** The serial console on standard input/output. */
final class Console
{
    private Console()
    {
    }

    static void start(final ConfigStore config, final Appliance appliance)
    {
        // wired to the CLI interpreter once it lands
    }
}
