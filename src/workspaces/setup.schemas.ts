import { z } from 'zod';
import { newPasswordSchema, userEmailSchema } from './user.schemas';

export const setupBodySchema = z.strictObject({
  token: z.string().trim().min(1, 'enter the setup token from the log').max(200),
  workspaceName: z
    .string()
    .trim()
    .min(1, 'name your workspace')
    .max(200)
    .refine((s) => !/[\r\n\0]/.test(s), 'one line'),
  email: userEmailSchema,
  password: newPasswordSchema,
});
export type SetupBody = z.infer<typeof setupBodySchema>;
