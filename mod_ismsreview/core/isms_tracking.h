/* Who may move an action from one tracking state to another: the transition table of the
 * action register (docs/api.md prints it; test_hostile.py tests every cell). */
#ifndef ISMS_TRACKING_H
#define ISMS_TRACKING_H

typedef enum {
    ISMS_MOVE_OWNER,     /* the action's owner (or an author): reporting progress */
    ISMS_MOVE_AUTHOR     /* an author only: verifying, leaving a verified or closed state */
} isms_move_role;

/* The role a move from -> to needs (both action states; an unknown one needs an author). */
isms_move_role isms_action_move_role(const char *from, const char *to);

#endif
