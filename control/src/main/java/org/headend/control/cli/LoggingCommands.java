package org.headend.control.cli;

import java.util.List;
import java.util.Map;

/** The exec commands of syslog: {@code show logging} and {@code clear logging buffer}. */
final class LoggingCommands
{
    private LoggingCommands()
    {
    }

    static void declare(final List<ExecCommand> commands)
    {
        commands.add(ExecCommand.declare("Show the logging settings and buffer")
            .kw("show", "Show running system information").kw("logging", "Show the logging settings and buffer")
            .alsoInConfigModes()
            .shows((session, args) ->
            {
                final String text = session.context().services().logging().show();
                return new Output(text, Map.of("text", text));
            }));
        commands.add(ExecCommand.declare("Reset functions")
            .kw("clear", "Reset functions").kw("logging", "Clear logging information")
            .kw("buffer", "Empty the buffer show logging prints")
            .alsoInConfigModes()
            .does((session, args) ->
            {
                session.context().services().logging().clearBuffer();
                session.audit("clear logging buffer", "ok");
            }));
    }
}
