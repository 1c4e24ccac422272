/* The C locale's numbers (a decimal point) on the calling thread for the span of a public
 * call that prints numbers, whatever the program's setlocale(LC_NUMERIC or LC_ALL): a
 * dashboard under de_DE wrote "47,8% [38,1, 57,6]" in the text table. uselocale(3) is
 * per thread, so the program's other threads keep their locale, and the call gives the
 * thread's back before it returns. Each file including this has its own locale object,
 * made once (pthread_once); without it (out of memory) the thread's locale is used. */
#ifndef SHOPSTAT_CNUMERIC_H
#define SHOPSTAT_CNUMERIC_H

#include <locale.h>
#include <pthread.h>

static locale_t cnumeric_obj;
static pthread_once_t cnumeric_once = PTHREAD_ONCE_INIT;

static void cnumeric_make(void)
{
    cnumeric_obj = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

/* Switch the calling thread to the C numeric locale; returns what c_numeric_leave takes. */
static inline locale_t c_numeric_enter(void)
{
    pthread_once(&cnumeric_once, cnumeric_make);
    return cnumeric_obj ? uselocale(cnumeric_obj) : (locale_t)0;
}

static inline void c_numeric_leave(locale_t old)
{
    if (old)
        uselocale(old);
}

#endif
