// Checks what `serverless package` produced: the CloudFormation template must hold the workflow,
// the FIFO queue with its DLQ, the functions, the schedule, the SSM defaults, the alarms, the interruptions
// queue with its rules and lifecycle hook, and IAM that lets no one mutate an ASG without this
// autoscaler's tag. Usage: node scripts/check-package.mjs TEMPLATE
import { readFileSync } from 'node:fs';

const template = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const resources = Object.entries(template.Resources ?? {});
const problems = [];
const ofType = (type) => resources.filter(([, r]) => r.Type === type);
const expect = (ok, what) => { if (!ok) problems.push(what); };

const machines = ofType('AWS::StepFunctions::StateMachine');
expect(machines.length === 1, 'one AWS::StepFunctions::StateMachine');
const machine = machines[0]?.[1].Properties ?? {};
expect(typeof machine.Definition === 'object' && machine.Definition.StartAt === 'Gather', 'state machine Definition is the ASL object (not a string)');
expect(!('DefinitionString' in machine), 'no DefinitionString');
for (const key of ['GatherFunctionArn', 'ProcessFunctionArn', 'SettleFunctionArn', 'SummaryFunctionArn', 'ScaleQueueUrl']) {
  expect(machine.DefinitionSubstitutions?.[key] !== undefined, `DefinitionSubstitutions.${key}`);
}

const queues = ofType('AWS::SQS::Queue').map(([id, r]) => [id, r.Properties]);
const scaleQueue = queues.find(([id]) => id === 'ScaleQueue')?.[1];
expect(scaleQueue?.FifoQueue === true, 'FIFO scale queue');
expect(scaleQueue?.RedrivePolicy?.deadLetterTargetArn !== undefined, 'scale queue redrives to a DLQ');
expect(queues.some(([id, p]) => id === 'ScaleDeadLetterQueue' && p.FifoQueue === true), 'FIFO dead-letter queue');

const functions = ofType('AWS::Lambda::Function').map(([id]) => id);
for (const fn of ['GatherLambdaFunction', 'ProcessLambdaFunction', 'ScaleLambdaFunction', 'SettleLambdaFunction', 'SummaryLambdaFunction']) {
  expect(functions.includes(fn), `function ${fn}`);
}
// Interruptions: three EventBridge rules into a queue (with DLQ) that only EventBridge may send to,
// consumed with partial batch failures; the lifecycle hook only when a pool ASG is given, never holding forever.
const interruptionsQueue = queues.find(([id]) => id === 'InterruptionsQueue')?.[1];
expect(functions.includes('InterruptionsLambdaFunction'), 'function InterruptionsLambdaFunction');
expect(interruptionsQueue?.RedrivePolicy?.deadLetterTargetArn !== undefined, 'interruptions queue redrives to a DLQ');
const targetsInterruptions = (rule) => (rule.Properties.Targets ?? []).some((t) => t.Arn?.['Fn::GetAtt']?.[0] === 'InterruptionsQueue');
const ruleFor = (detailType) => ofType('AWS::Events::Rule').find(([, r]) => (r.Properties.EventPattern?.['detail-type'] ?? []).includes(detailType));
for (const detailType of ['EC2 Spot Instance Interruption Warning', 'EC2 Instance Rebalance Recommendation', 'EC2 Instance-terminate Lifecycle Action']) {
  const rule = ruleFor(detailType);
  expect(rule !== undefined && targetsInterruptions(rule[1]), `EventBridge rule for "${detailType}" targets the interruptions queue`);
}
expect(
  ofType('AWS::SQS::QueuePolicy').some(([, r]) =>
    (r.Properties.Queues ?? []).some((q) => q.Ref === 'InterruptionsQueue') &&
    [].concat(r.Properties.PolicyDocument.Statement).some((st) => st.Principal?.Service === 'events.amazonaws.com' && st.Condition?.ArnEquals?.['aws:SourceArn'] !== undefined)),
  'interruptions queue policy lets only the rules (events.amazonaws.com, by source ARN) send',
);
expect(
  ofType('AWS::Lambda::EventSourceMapping').some(([, r]) =>
    r.Properties.EventSourceArn?.['Fn::GetAtt']?.[0] === 'InterruptionsQueue' && (r.Properties.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures')),
  'interruptions consumes its queue with partial batch failures',
);
expect(
  ofType('AWS::AutoScaling::LifecycleHook').every(([, r]) =>
    r.Condition !== undefined && r.Properties.LifecycleTransition === 'autoscaling:EC2_INSTANCE_TERMINATING' && r.Properties.DefaultResult === 'CONTINUE'),
  'lifecycle hook: conditional on a pool ASG, on termination, DefaultResult CONTINUE',
);
expect(ofType('AWS::Lambda::EventSourceMapping').some(([, r]) => (r.Properties.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures')), 'scale consumes the queue with partial batch failures');
expect(ofType('AWS::Events::Rule').some(([, r]) => /^rate\(|^cron\(/.test(r.Properties.ScheduleExpression)), 'EventBridge schedule');
expect(ofType('AWS::SSM::Parameter').length >= 10, 'SSM parameter defaults');
expect(ofType('AWS::CloudWatch::Alarm').length >= 2, 'alarms on failed executions and DLQ depth');
expect(ofType('AWS::Logs::LogGroup').every(([, r]) => r.Properties.RetentionInDays > 0), 'log retention on every log group');

// IAM: no mutating Auto Scaling action unless conditioned on the autoscaler's tag; no mutation on '*'.
const readOnly = /^(autoscaling|ec2):Describe|^ssm:GetParameters?ByPath|^logs:|^states:SendTask|^sqs:|^dynamodb:|^lambda:InvokeFunction|^states:StartExecution|^sts:/;
for (const [id, role] of ofType('AWS::IAM::Role')) {
  for (const policy of role.Properties.Policies ?? []) {
    for (const st of [].concat(policy.PolicyDocument.Statement)) {
      const actions = [].concat(st.Action);
      const resources = [].concat(st.Resource);
      const mutating = actions.filter((a) => !readOnly.test(a));
      if (mutating.length === 0) continue;
      const asg = mutating.filter((a) => a.startsWith('autoscaling:'));
      if (asg.length > 0) {
        const tagged = Object.keys(st.Condition?.StringEquals ?? {}).some((k) => k.startsWith('autoscaling:ResourceTag/'));
        expect(tagged, `${id}: ${asg.join(', ')} only on ASGs carrying the autoscaler's tag`);
      }
      expect(!resources.includes('*'), `${id}: mutating ${mutating.join(', ')} not on '*'`);
    }
  }
}

if (problems.length > 0) {
  console.error(`package check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`package check: ${resources.length} resources, state machine, FIFO queue + DLQ, ${functions.length} functions, schedule, SSM defaults, alarms, interruptions rules + queue, tag-scoped IAM: ok`);
