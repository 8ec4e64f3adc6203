import type { IndicatorDescription } from '../../contracts/indicators.ts';

/**
 * The clauses the catalog serves, named once. Seeds are in ../shared/seeds/
 * (Chinese procurement documents); 004's functional list has no clause
 * numbers, so it is cited by its heading and line.
 */
type Source = IndicatorDescription['sources'][number];
const S000 = '000_1d0015c5b95a83e9.txt';
const S001 = '001_8e9aa79f8e53624f.txt';
const S004 = '004_894aaa4ee2cebbc3.txt';

export const SRC = {
  callerData: { file: S001, clause: '§1.1.1.16 呼叫系统升级改造: 实时展示当前业务、数据分析、好差评、压力值' },
  slipWaiting: { file: S001, clause: '§1.1.1.15 现场取号号票信息: 队列前等候人数' },
  resultModels: { file: S001, clause: '“好差评”评价结果应用模型: 压力模型、办件效能模型、服务效能模型' },
  ticketerMonitor: {
    file: S001,
    clause: '§1.1.1.17 取号系统管理 (3) 取号终端配置: 实时监控取号终端的运行状态, 附属设备的监控 (号票机缺纸)',
  },
  hardwareMonitor: { file: S001, clause: '§1.1.1.13 (2) 对硬件设备的集成管理: 硬件动态监管' },
  reviewLevels: { file: S001, clause: '§1.1.1.4 评价等级 (五个等级); “好差评”差评整改 (1) 不满意、非常不满意视为差评' },
  reviewDefault: { file: S001, clause: '§1.1.1.10 超期系统默认评价 (7个自然日未评价默认为“基本满意”)' },
  reviewStats: { file: S001, clause: '“好差评”统计分析: 评价等级、渠道统计、数据统计' },
  rectification: { file: S001, clause: '“好差评”差评整改 (1) 实时跟踪差评整改动态' },
  appointmentQuery: { file: S001, clause: '§1.1.1.14 预约查询: 履约情况' },
  appointmentRules: { file: S001, clause: '§1.1.1.17 预约业务管理 (1) 违约行为 (预约成功后未按规定时间办理且未取消)' },
  caseDeadline: {
    file: S000,
    clause: 'item 71 限期办理: 即将到期、超期的办件黄灯和红灯预警, 超期情况纳入月度部门考核',
  },
  reviewIndicators: {
    file: S004,
    clause:
      '数据类指标取数分析支撑 (2)好差评 1)指标分解 (line 1191): 超过5个自然日上传的办件数据量、办件数据超时率、主动评价数量、主动参评率、按时整改工单数、差评按时整改率',
  },
  reviewFollowUp: {
    file: S004,
    clause: '数据类指标取数分析支撑 (2)好差评 2)跟进落实 (line 1192–1193): 办件数据汇聚时效, 主动评价率',
  },
  monitoring: { file: S004, clause: '在线监测 (line 1055–1056): 预约叫号情况、预约取号数据监测、好差评数据监测' },
  hallReport: { file: S004, clause: '分析 (line 1058): 人员工作量分析、大厅运行研判报告' },
  provincialPush: { file: S004, clause: 'line 1059–1060: 取号、排队、叫号、叫号办结数据推送' },
  efficiency: { file: S004, clause: '效能监督 (line 1086–1089): 异常监督、实时效能' },
  twoReductions: { file: S004, clause: '数据类指标取数分析支撑 (1)事项数据 (line 1188): “两减” 减时间' },
  videoHub: { file: S004, clause: 'line 1139: 政务服务大厅视频汇聚接入平台 (市区级大厅8个、镇街2个、村居1个摄像头)' },
  domainCameras: {
    file: 'DOMAIN.md',
    clause: 'Devices: cameras publish people counts per zone; the wall shows them beside the floor plan',
  },
  domainQueue: {
    file: 'DOMAIN.md',
    clause: 'Queue and calling: skip / no-show (过号); device management: paper out (缺纸)',
  },
  domainAppointments: { file: 'DOMAIN.md', clause: 'Appointments: no-show records (失约记录), no-show penalty' },
  domainCases: {
    file: 'DOMAIN.md',
    clause: 'Case flow: promised (承诺时限) and legal (法定时限) limits, deadline warnings',
  },
} as const satisfies Record<string, Source>;
