/**
 * The command-language engine shared by configuration and exec commands: modes, typed arguments, declarations
 * built from keywords and arguments, and the matcher with ASA abbreviation rules. It knows nothing of what a
 * command does; {@code ?} help and completion (issue 4) read the same declarations.
 */
package org.headend.control.config.grammar;
