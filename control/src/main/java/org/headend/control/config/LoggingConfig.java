package org.headend.control.config;

import java.util.List;

/**
 * The ASA's {@code logging} commands.
 *
 * @param enabled       {@code logging enable}: nothing is sent or buffered without it
 * @param hosts         {@code logging host} lines in configuration order
 * @param trapLevel     {@code logging trap LEVEL}: the most verbose severity sent to the hosts; -1 when not set
 *                      (nothing is sent)
 * @param bufferedLevel {@code logging buffered LEVEL}: the most verbose severity kept for {@code show logging};
 *                      -1 when not set
 * @param timestamp     {@code logging timestamp}: messages carry the date and time
 * @param bufferSize    {@code logging buffer-size BYTES}: the size of the buffer {@code show logging} prints
 */
public record LoggingConfig(boolean enabled, List<LogHost> hosts, int trapLevel, int bufferedLevel,
    boolean timestamp, int bufferSize)
{
    public static final int DEFAULT_BUFFER_SIZE = 4096;
    public static final LoggingConfig OFF = new LoggingConfig(false, List.of(), -1, -1, false, DEFAULT_BUFFER_SIZE);
}
