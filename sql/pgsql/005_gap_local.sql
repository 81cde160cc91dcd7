-- local gap filler (not committed): stands for the parallel branch migration 005
SELECT 1;
