/* The transition table of action tracking states. The owner reports progress (open,
 * in progress, blocked, completed; cancelling an active action with a reason) and reopens an
 * action found ineffective; verifying effectiveness, and leaving VERIFIED_EFFECTIVE, a
 * completed action's closure by cancelling, or CANCELLED, are the author's. */
#include "isms_tracking.h"

#include <string.h>

enum { OPEN, IN_PROGRESS, BLOCKED, COMPLETED, V_EFFECTIVE, V_INEFFECTIVE, CANCELLED, N_STATES };

static const char *const names[N_STATES] = {"OPEN", "IN_PROGRESS", "BLOCKED", "COMPLETED",
                                            "VERIFIED_EFFECTIVE", "VERIFIED_INEFFECTIVE",
                                            "CANCELLED"};

#define O ISMS_MOVE_OWNER
#define A ISMS_MOVE_AUTHOR
static const isms_move_role table[N_STATES][N_STATES] = {
    /* to:           OPEN IN_PR BLOCK COMPL V_EFF V_INE CANCL */
    /* OPEN */        {O,   O,    O,    O,    A,    A,    O},
    /* IN_PROGRESS */ {O,   O,    O,    O,    A,    A,    O},
    /* BLOCKED */     {O,   O,    O,    O,    A,    A,    O},
    /* COMPLETED */   {O,   O,    O,    O,    A,    A,    A},
    /* V_EFFECTIVE */ {A,   A,    A,    A,    A,    A,    A},
    /* V_INEFFECT. */ {O,   O,    O,    O,    A,    A,    A},
    /* CANCELLED */   {A,   A,    A,    A,    A,    A,    A},
};
#undef O
#undef A

static int state_index(const char *s)
{
    int i;

    for (i = 0; s && i < N_STATES; i++) {
        if (strcmp(names[i], s) == 0) return i;
    }
    return -1;
}

isms_move_role isms_action_move_role(const char *from, const char *to)
{
    int f = state_index(from), t = state_index(to);

    return f < 0 || t < 0 ? ISMS_MOVE_AUTHOR : table[f][t];
}
