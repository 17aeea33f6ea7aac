/* ifenslave: bondctl's compatibility front end, run when bondctl is called
 * by the name "ifenslave" (a symlink). It takes ifenslave's command line
 * and messages and turns them into control commands for bondd. */
#ifndef BONDD_IFENSLAVE_H
#define BONDD_IFENSLAVE_H

/* Runs ifenslave with its own argv; returns the exit status:
 * 0 done, 1 refused or failed, 2 bad command line. */
int ifenslave_main(int argc, char **argv);

#endif
