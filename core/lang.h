/* lang.h - the UI languages. Vietnamese is the default. */
#ifndef LANG_H
#define LANG_H

typedef enum { LANG_VI = 0, LANG_EN = 1, LANG_COUNT } lang_t;

#endif
