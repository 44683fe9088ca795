package org.headend.control.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code http server}, {@code http A M IF} and {@code logging} lines while they are compiled. */
final class OperationsDraft
{
    int httpServerPort;
    final List<HttpAccess> httpAccess = new ArrayList<>();
    boolean loggingEnabled;
    /** {@code logging host NAMEIF ADDRESS}: one collector per interface and address. */
    final Map<String, LogHost> logHosts = new LinkedHashMap<>();
    int trapLevel = -1;
    int bufferedLevel = -1;
    boolean timestamp;
    int bufferSize = LoggingConfig.DEFAULT_BUFFER_SIZE;

    OperationsConfig build()
    {
        return new OperationsConfig(httpServerPort, List.copyOf(httpAccess), new LoggingConfig(loggingEnabled,
            List.copyOf(logHosts.values()), trapLevel, bufferedLevel, timestamp, bufferSize));
    }
}
