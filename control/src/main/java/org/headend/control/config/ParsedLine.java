package org.headend.control.config;

import org.headend.control.config.grammar.Arguments;

/**
 * A configuration line matched against the modes a cursor is in.
 *
 * @param depth     how many of the cursor's sub-modes are still open when the line applies (a line valid only in an
 *                  enclosing mode closes the inner ones, as ASA startup-configs rely on)
 * @param line      what the line does
 * @param arguments the values it carries
 */
public record ParsedLine(int depth, ConfigLine line, Arguments arguments)
{
}
