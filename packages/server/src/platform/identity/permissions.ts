/**
 * The vocabulary of permissions, with the labels the role editor shows. Which permissions exist in practice is decided
 * by the routes: every admin route declares the one it needs (`config.permission`), the route registry collects them,
 * and `GET /api/admin/permissions` lists those in use; a test checks that every entry here is used by some route.
 */
export const PERMISSIONS = {
  'dashboard:read': { group: 'dashboard', zh: '查看数据概览', en: 'View the dashboard' },
  'catalog:read': { group: 'catalog', zh: '查看商品与分类', en: 'View products and categories' },
  'catalog:write': { group: 'catalog', zh: '编辑商品、分类与图片', en: 'Edit products, categories and images' },
  'orders:read': { group: 'orders', zh: '查看订单', en: 'View orders' },
  'orders:write': {
    group: 'orders',
    zh: '发货、退款审核、运行结算',
    en: 'Ship, decide refunds, run settlement',
  },
  'users:read': { group: 'users', zh: '查看用户', en: 'View shoppers' },
  'plans:read': { group: 'plans', zh: '查看营销模式与模拟器', en: 'View plans and the simulator' },
  'plans:write': { group: 'plans', zh: '配置营销模式', en: 'Configure plans' },
  'finance:read': { group: 'finance', zh: '查看提现、流水与审计', en: 'View withdrawals, ledger and audit' },
  'finance:write': { group: 'finance', zh: '审核与打款提现', en: 'Approve and pay withdrawals' },
  'settings:write': { group: 'settings', zh: '修改系统设置', en: 'Change settings' },
  'decoration:write': { group: 'decoration', zh: '店铺装修', en: 'Arrange the storefront' },
  'staff:read': { group: 'staff', zh: '查看员工与角色', en: 'View staff and roles' },
  'staff:write': {
    group: 'staff',
    zh: '管理员工账号与角色',
    en: 'Manage staff accounts and roles',
  },
  'oplog:read': { group: 'staff', zh: '查看与导出操作日志', en: 'View and export the operation log' },
} as const satisfies Record<string, { group: string; zh: string; en: string }>;

export type Permission = keyof typeof PERMISSIONS;

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

/** Stored in a role's permission list: every permission, including ones added later (the built-in admin). */
export const ALL_PERMISSIONS = '*';
