/* Split the shell form of an instruction (`CMD ps aux`) into words, the way Python's
 * shlex.split() does in POSIX mode, which is what the original Pieces used:
 *
 *   - blanks (space, tab, CR, LF) separate words;
 *   - 'single quotes' keep everything literally;
 *   - "double quotes" keep everything except \" and \\, which stand for " and \;
 *   - outside quotes a backslash makes the next character literal;
 *   - quoted and unquoted parts next to each other join into one word, and "" is an
 *     empty word.
 *
 * There is no expansion of any kind ($VAR, globs, ~) and # is an ordinary character.
 */
#ifndef PIECES_BUILD_SHELL_WORDS_H
#define PIECES_BUILD_SHELL_WORDS_H

/* On success *words is a NULL-terminated vector (strv_free it). */
int shell_words_split(const char *text, char ***words);

#endif
